/*
 * kuulu.js: progressive enhancement only. Every page works without it.
 * - textarea[data-maxchars][data-counter=id]: shows "n / max" in #id (its
 *   data-msg and data-over hold the texts, %d = count, max, over by).
 *   Counts code points, as the server does.
 * - [data-print][hidden]: shown, and prints the page when pressed.
 * - #error-summary: focused on load, so the reader hears it first.
 * - a[data-autoreturn=n]: follows the link after n seconds (the kiosk's
 *   thank-you screen clears itself for the next client; without JavaScript
 *   the link is a big "start" button).
 */
(function () {
  'use strict';
  function fill(tpl, args) {
    var i = 0;
    return tpl.replace(/%d/g, function () { return String(args[i++]); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('textarea[data-maxchars][data-counter]'), function (ta) {
    var out = document.getElementById(ta.getAttribute('data-counter'));
    var max = parseInt(ta.getAttribute('data-maxchars'), 10);
    if (!out || !max) { return; }
    function update() {
      var n = Array.from(ta.value.trim()).length;
      out.textContent = n > max ? fill(out.getAttribute('data-over'), [n, max, n - max]) : fill(out.getAttribute('data-msg'), [n, max]);
    }
    var ids = (ta.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    ids.push(out.id);
    ta.setAttribute('aria-describedby', ids.join(' '));
    out.hidden = false;
    update();
    ta.addEventListener('input', update);
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('a[data-autoreturn]'), function (a) {
    var n = parseInt(a.getAttribute('data-autoreturn'), 10);
    if (n > 0) { window.setTimeout(function () { window.location.replace(a.href); }, n * 1000); }
  });
  var summary = document.getElementById('error-summary');
  if (summary) { summary.focus(); }
}());
