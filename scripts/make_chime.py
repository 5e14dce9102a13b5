"""Write static/kiosk/chime.wav: the wall's soft chime, made here, not downloaded.

Two sine tones a fifth apart (E5 then B5), each fading out, 8-bit mono at
11,025 Hz: about 10 KB, a sound every old engine's <audio> plays, loaded only
by a display that has its chime on. Run it again only to change the sound.
"""

import math
import wave
from pathlib import Path

RATE = 11_025
TONES = [(659.25, 0.0), (987.77, 0.28)]  # (Hz, start in seconds)
LENGTH = 0.95
VOLUME = 0.35


def sample(t: float) -> float:
    total = 0.0
    for frequency, start in TONES:
        if t >= start:
            age = t - start
            total += math.sin(2 * math.pi * frequency * age) * math.exp(-age * 5.5)
    return total * VOLUME / len(TONES)


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "static" / "kiosk" / "chime.wav"
    frames = bytes(
        int(max(-1.0, min(1.0, sample(n / RATE))) * 127 + 128) for n in range(int(RATE * LENGTH))
    )
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(RATE)
        out.writeframes(frames)
    print(f"{target}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
