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
                        var keep = wanted.indexOf(name) !== -1 || row.className.indexOf("errors") !== -1;
                        row.style.display = keep ? "" : "none";
                    });
                });
            }
        }
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

    document.addEventListener("change", function (event) {
        var target = event.target;
        if (target.hasAttribute("data-hibi-mode-fields")) {
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

    function start() {
        showRepeatFields();
        enhanceIconPickers();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
