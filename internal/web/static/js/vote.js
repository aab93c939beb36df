/*
 * vote.js: answering conversation statements without reloading the page.
 * Progressive enhancement only; without it each answer is a form post and a
 * redirect back to the page.
 *
 * form#vote-form holds one statement (input#vote-statement, legend
 * #vote-legend > #vote-text) and three submit buttons name=value
 * (agree, disagree, pass). Here the form is posted with fetch and
 * Accept: application/json; the reply (voteReply in conversation_vote.go)
 * puts the next statement in the form, updates the progress
 * (#vote-progress), the map hint (#map-hint) and the list of answers
 * (table#answers), says what was saved in the #vote-status live region and
 * moves focus to the new statement, or to #vote-done when nothing is left.
 * A refusal (4xx) or a network error is shown in #vote-error (role=alert)
 * and focus stays on the pressed button.
 *
 * Also: an element with [data-autofocus] is focused on load (the
 * near-duplicate notice of the statement form).
 */
(function () {
  'use strict';
  var auto = document.querySelector('[data-autofocus]');
  if (auto) { auto.focus(); }

  var form = document.getElementById('vote-form');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) { return; }
  var status = document.getElementById('vote-status');
  var errorBox = document.getElementById('vote-error');
  var busy = false;
  var lastButton = null;

  function byId(id) { return document.getElementById(id); }

  function say(el, text, cls) {
    el.textContent = '';
    if (!text) { return; }
    var p = document.createElement('p');
    p.className = cls;
    p.textContent = text;
    el.appendChild(p);
  }

  function upsertAnswer(saved) {
    var table = byId('answers');
    if (!table) { return; }
    var body = table.tBodies[0];
    var row = body.querySelector('tr[data-statement="' + saved.statement + '"]');
    if (!row) {
      row = document.createElement('tr');
      row.setAttribute('data-statement', String(saved.statement));
      var text = row.insertCell(-1);
      text.textContent = saved.text;
      if (saved.lang) { text.setAttribute('lang', saved.lang); }
      row.insertCell(-1);
      var link = document.createElement('a');
      link.href = saved.change_url;
      link.textContent = table.getAttribute('data-change');
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ': ' + saved.text;
      link.appendChild(hidden);
      row.insertCell(-1).appendChild(link);
      body.insertBefore(row, body.firstChild);
    }
    row.cells[1].textContent = saved.label;
    var section = byId('answers-section');
    if (section) { section.hidden = false; }
  }

  function updateMapHint(data) {
    var hint = byId('map-hint');
    if (!hint) { return; }
    hint.textContent = data.map_hint;
    if (data.map_ready && data.map_url) {
      hint.appendChild(document.createTextNode(' '));
      var a = document.createElement('a');
      a.href = data.map_url;
      a.textContent = hint.getAttribute('data-link');
      hint.appendChild(a);
    }
  }

  function update(data) {
    say(errorBox, '', '');
    upsertAnswer(data.saved);
    byId('vote-progress').textContent = data.progress;
    updateMapHint(data);
    var current = byId('vote-current');
    if (current) { current.parentNode.removeChild(current); }
    if (window.history && history.replaceState && /[?&]muuta=/.test(location.search)) {
      history.replaceState(null, '', location.pathname + location.search.replace(/([?&])muuta=[^&]*&?/, '$1').replace(/[?&]$/, ''));
    }
    if (data.next) {
      byId('vote-statement').value = String(data.next.id);
      var text = byId('vote-text');
      text.textContent = data.next.text;
      text.setAttribute('lang', data.next.lang || document.documentElement.lang);
      say(status, data.message, 'notice notice-success');
      byId('vote-legend').focus();
    } else {
      form.hidden = true;
      var done = byId('vote-done');
      done.hidden = false;
      say(status, data.message, 'notice notice-success');
      done.focus();
    }
  }

  function fail(message) {
    say(errorBox, message || errorBox.getAttribute('data-network'), 'notice notice-error');
  }

  form.addEventListener('click', function (ev) {
    var b = ev.target.closest ? ev.target.closest('button[name=value]') : null;
    if (b) { lastButton = b; }
  });

  form.addEventListener('submit', function (ev) {
    var button = ev.submitter || lastButton;
    if (!button || button.name !== 'value') { return; }
    ev.preventDefault();
    if (busy) { return; }
    busy = true;
    form.setAttribute('aria-busy', 'true');
    var body = new URLSearchParams(new FormData(form));
    body.set('value', button.value);
    fetch(form.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    }).then(function (res) {
      return res.json().then(function (data) {
        if (res.ok) {
          update(data);
        } else {
          fail(data && data.error && data.error.message);
        }
      }, function () { fail(''); });
    }, function () {
      fail('');
    }).then(function () {
      busy = false;
      form.removeAttribute('aria-busy');
    });
  });
}());
