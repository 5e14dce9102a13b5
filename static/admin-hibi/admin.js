/* Hibi's admin behaviour, ES5 and without inline scripts (the CSP allows
   only files from this site). Everything hangs off data-* attributes and
   delegated listeners, so rows added by "Add another" work too; without
   JavaScript every field simply shows. */
(function () {
    "use strict";

    function matches(element, selector) {
        var test = element.matches || element.msMatchesSelector || element.webkitMatchesSelector;
        return test ? test.call(element, selector) : false;
    }

    function closest(element, selector) {
        while (element && element.nodeType === 1) {
            if (matches(element, selector)) {
                return element;
            }
            element = element.parentNode;
        }
        return null;
    }

    function each(list, callback) {
        for (var i = 0; i < list.length; i += 1) {
            callback(list[i], i);
        }
    }

    /* Repeat mode: show only the fields of the chosen way of repeating. */
    function modeFields() {
        var radio = document.querySelector("input[data-hibi-mode-fields]");
        if (!radio) {
            return null;
        }
        try {
            return JSON.parse(radio.getAttribute("data-hibi-mode-fields"));
        } catch (error) {
            return null;
        }
    }

    function showRepeatFields() {
        var fields = modeFields();
        var chosen = document.querySelector("input[data-hibi-mode-fields]:checked");
        if (!fields || !chosen) {
            return;
        }
        var mode;
        var wanted = fields[chosen.value] || [];
        for (mode in fields) {
            if (fields.hasOwnProperty(mode)) {
                each(fields[mode], function (name) {
                    each(document.querySelectorAll(".form-row.field-" + name), function (row) {
                        /* A row with an error stays, whatever the mode: the banner links to it. */
                        var keep = wanted.indexOf(name) !== -1 || row.className.indexOf("errors") !== -1 ||
                            row.querySelector(".errorlist") !== null;
                        row.style.display = keep ? "" : "none";
                    });
                });
            }
        }
        showStartDate(chosen);
    }

    /* The start date only where counting starts there: every few days or weeks
       (data-hibi-start-when: a mode, or a mode and the field that must not be 1). */
    function showStartDate(chosen) {
        var when = null;
        try {
            when = JSON.parse(chosen.getAttribute("data-hibi-start-when") || "null");
        } catch (error) {
            when = null;
        }
        if (!when) {
            return;
        }
        var needed = when.hasOwnProperty(chosen.value);
        if (needed && when[chosen.value]) {
            var counter = document.querySelector("[name=" + when[chosen.value] + "]");
            needed = !counter || counter.value !== "1";
        }
        each(document.querySelectorAll(".form-row.field-start_date"), function (row) {
            var keep = needed || row.querySelector(".errorlist") !== null;
            row.style.display = keep ? "" : "none";
        });
    }

    /* Next dates: ask the server for the dates the fields describe, as typed. */
    var previewTimer = null;
    var previewRequest = null;
    var REPEAT_NAMES = ["repeat_mode", "weekdays", "week_interval", "month_weeks",
        "month_weekdays", "interval", "interval_unit", "rrule", "start_date",
        "extra_dates", "exception_dates", "holiday_policy", "holiday_exceptions",
        "no_collection_days", "is_garbage"];

    function repeatQuery(form) {
        var parts = [];
        each(form.elements, function (element) {
            if (REPEAT_NAMES.indexOf(element.name) === -1) {
                return;
            }
            if ((element.type === "checkbox" || element.type === "radio") && !element.checked) {
                return;
            }
            parts.push(encodeURIComponent(element.name) + "=" + encodeURIComponent(element.value));
        });
        return parts.join("&");
    }

    function refreshNextDates(form) {
        var box = document.getElementById("hibi-next-dates");
        var url = box && box.getAttribute("data-hibi-preview-url");
        if (!url) {
            return;
        }
        if (previewRequest) {
            previewRequest.abort();
        }
        var request = new XMLHttpRequest();
        previewRequest = request;
        /* A saved chore's preview URL already names it (?chore=): its closures apply. */
        request.open("GET", url + (url.indexOf("?") === -1 ? "?" : "&") + repeatQuery(form), true);
        request.onreadystatechange = function () {
            if (request.readyState === 4 && request.status === 200 && previewRequest === request) {
                box.innerHTML = request.responseText;
                previewRequest = null;
            }
        };
        request.send();
    }

    function schedulePreview(target) {
        if (REPEAT_NAMES.indexOf(target.name) === -1 || !target.form) {
            return;
        }
        var form = target.form;
        if (previewTimer) {
            window.clearTimeout(previewTimer);
        }
        previewTimer = window.setTimeout(function () {
            refreshNextDates(form);
        }, 400);
    }

    /* Icon picker: one grid of pictures, opened under the row's button. */
    var palette = null;

    function iconImage(base, name, size) {
        var image = document.createElement("img");
        image.src = base + name + ".svg";
        image.alt = "";
        image.width = size;
        image.height = size;
        return image;
    }

    function showChosenIcon(picker) {
        var select = picker.querySelector("select");
        var button = picker.querySelector(".hibi-icon-button");
        var option = select.options[select.selectedIndex];
        while (button.firstChild) {
            button.removeChild(button.firstChild);
        }
        if (option && option.value) {
            button.appendChild(iconImage(picker.getAttribute("data-hibi-icon-base"), option.value, 24));
        }
        var name = document.createElement("span");
        name.className = "hibi-icon-name";
        name.appendChild(document.createTextNode(option ? option.text : ""));
        button.appendChild(name);
    }

    var raisedRow = null;

    function closePalette() {
        if (palette && palette.parentNode) {
            palette.parentNode.removeChild(palette);
        }
        palette = null;
        if (raisedRow) {
            raisedRow.style.position = "";
            raisedRow.style.zIndex = "";
            raisedRow.style.overflow = "";
            raisedRow = null;
        }
    }

    /* The admin clips its rows and paints later rows on top: while the grid
       is open its row lets it hang out and stands above the others. */
    function raiseRow(picker) {
        raisedRow = closest(picker, "tr") || closest(picker, ".form-row");
        if (raisedRow) {
            raisedRow.style.position = "relative";
            raisedRow.style.zIndex = "30";
            raisedRow.style.overflow = "visible";
        }
    }

    function openPalette(picker) {
        var select = picker.querySelector("select");
        var base = picker.getAttribute("data-hibi-icon-base");
        closePalette();
        palette = document.createElement("div");
        palette.className = "hibi-icon-grid";
        palette.setAttribute("role", "listbox");
        each(select.options, function (option, index) {
            var choice = document.createElement("button");
            choice.type = "button";
            choice.className = "hibi-icon-option" + (option.selected ? " is-chosen" : "");
            choice.title = option.text;
            choice.setAttribute("data-hibi-icon-index", String(index));
            choice.setAttribute("aria-label", option.text);
            if (option.value) {
                choice.appendChild(iconImage(base, option.value, 28));
            } else {
                choice.appendChild(document.createTextNode(picker.getAttribute("data-hibi-icon-none")));
            }
            palette.appendChild(choice);
        });
        picker.appendChild(palette);
        raiseRow(picker);
        keepOnScreen(palette);
    }

    /* The grid hangs from the button; near the right edge of a phone it
       would run off the screen, so slide it left (never past the left edge). */
    function keepOnScreen(element) {
        var box = element.getBoundingClientRect();
        var limit = (document.documentElement.clientWidth || window.innerWidth) - 8;
        if (box.right > limit) {
            element.style.left = Math.max(8 - box.left, limit - box.right) + "px";
        }
    }

    function chooseIcon(choice) {
        var picker = closest(choice, ".hibi-icon-picker");
        var select = picker.querySelector("select");
        select.selectedIndex = parseInt(choice.getAttribute("data-hibi-icon-index"), 10);
        var changed = document.createEvent("HTMLEvents");
        changed.initEvent("change", true, false);
        select.dispatchEvent(changed);
        closePalette();
        picker.querySelector(".hibi-icon-button").focus();
    }

    function enhanceIconPickers() {
        each(document.querySelectorAll(".hibi-icon-picker"), function (picker) {
            picker.className += " is-enhanced";
            picker.querySelector(".hibi-icon-button").removeAttribute("hidden");
            /* The browser may have restored another choice (back, reload): say that one. */
            showChosenIcon(picker);
        });
    }

    document.addEventListener("click", function (event) {
        var choice = closest(event.target, ".hibi-icon-option");
        if (choice) {
            chooseIcon(choice);
            return;
        }
        var button = closest(event.target, ".hibi-icon-button");
        if (button) {
            var picker = closest(button, ".hibi-icon-picker");
            if (palette && palette.parentNode === picker) {
                closePalette();
            } else {
                openPalette(picker);
            }
            return;
        }
        if (palette && !closest(event.target, ".hibi-icon-grid")) {
            closePalette();
        }
    });

    /* A block's start moved: its end moves as much, so the block keeps its length
       (data-hibi-end names the end's field; the parent may still change the end). */
    function minutesOf(text) {
        var parts = /^(\d{1,2}):(\d{2})/.exec(text || "");
        return parts ? parseInt(parts[1], 10) * 60 + parseInt(parts[2], 10) : null;
    }

    function clock(minutes) {
        minutes = ((minutes % 1440) + 1440) % 1440;
        var hours = Math.floor(minutes / 60);
        var rest = minutes % 60;
        return (hours < 10 ? "0" : "") + hours + ":" + (rest < 10 ? "0" : "") + rest;
    }

    function keepLength(start) {
        var end = document.getElementById(start.getAttribute("data-hibi-end"));
        var before = minutesOf(start.getAttribute("data-hibi-was"));
        var now = minutesOf(start.value);
        var ends = end ? minutesOf(end.value) : null;
        if (before !== null && now !== null && ends !== null) {
            end.value = clock(ends + now - before);
        }
        start.setAttribute("data-hibi-was", start.value);
    }

    document.addEventListener("change", function (event) {
        var target = event.target;
        if (target.hasAttribute("data-hibi-end")) {
            keepLength(target);
        }
        if (target.hasAttribute("data-hibi-mode-fields") || target.name === "week_interval") {
            showRepeatFields();
        }
        if (target.hasAttribute("data-hibi-colour")) {
            var auto = closest(target, ".hibi-colour").querySelector("[data-hibi-colour-auto]");
            if (auto) {
                auto.checked = false;
            }
        }
        if (target.tagName === "SELECT" && closest(target, ".hibi-icon-picker")) {
            showChosenIcon(closest(target, ".hibi-icon-picker"));
        }
        schedulePreview(target);
    });

    document.addEventListener("input", function (event) {
        var target = event.target;
        if (target.tagName === "TEXTAREA" || target.type === "text" || target.type === "number") {
            schedulePreview(target);
        }
    });

    /* Buttons that change something for good ask first. */
    document.addEventListener("submit", function (event) {
        var form = event.target;
        var question = form.getAttribute && form.getAttribute("data-hibi-confirm");
        if (question && !window.confirm(question)) {
            event.preventDefault();
        }
    });

    /* A row just added shows all its fields: the parent is typing it now. */
    document.addEventListener("formset:added", function (event) {
        each(event.target.querySelectorAll ? event.target.querySelectorAll("details.hibi-more") : [],
            function (more) {
                more.open = true;
            });
    });

    /* A link to a field folded under "More" opens it first, or it leads nowhere. */
    function revealField(id) {
        var field = id ? document.getElementById(id) : null;
        var folded = field ? closest(field, "details") : null;
        while (folded) {
            folded.open = true;
            folded = closest(folded.parentNode, "details");
        }
        return field;
    }

    document.addEventListener("click", function (event) {
        var link = closest(event.target, ".hibi-errors a[href^='#']");
        if (!link) {
            return;
        }
        var field = revealField(link.getAttribute("href").slice(1));
        if (field) {
            event.preventDefault();
            field.scrollIntoView(true);
            if (field.focus) {
                field.focus();
            }
        }
    });

    /* After a refused save, the page opens at what to fix, not at the top of a
       long form: the banner (which links to each field) is scrolled to and read. */
    function showErrors() {
        var banner = document.querySelector(".hibi-errors");
        if (!banner || window.location.hash) {
            return;
        }
        banner.setAttribute("tabindex", "-1");
        banner.scrollIntoView(true);
        banner.focus();
    }

    function start() {
        showRepeatFields();
        enhanceIconPickers();
        showErrors();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
