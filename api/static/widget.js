/* Inburgeringsassistent: chat widget (one <script> tag) and full-page chat.
 *
 * Safety rule: every text from the server or the user goes into the page with textContent or
 * createTextNode, never innerHTML, so no markup or script in a question or a source can run.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.__wiaLoaded) { return; }
  window.__wiaLoaded = true;

  var BASE = new URL(script.src, window.location.href).origin;
  var KEY = script.getAttribute('data-api-key') || '';
  var SCOPE = script.getAttribute('data-scope') || '';
  var MODE = script.getAttribute('data-mode') === 'page' ? 'page' : 'widget';
  var TARGET = script.getAttribute('data-target');
  var TITLE = script.getAttribute('data-title') ||
    (script.getAttribute('data-mode') === 'page' ? 'Gesprek' : 'Inburgeringsassistent');
  var STORE_KEY = 'wia-session:' + BASE + ':' + SCOPE;
  var MAX_CHARS = 2000;
  var MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus',
    'september', 'oktober', 'november', 'december'];
  var uid = 0;
  var turn = 0;
  var busy = false;
  var sessionId = readSession();

  function nextId(prefix) { uid += 1; return 'wia-' + prefix + '-' + uid; }

  /* Build an element: attrs are set with setAttribute, children are nodes or plain text. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value !== null && value !== undefined && value !== false) { node.setAttribute(name, String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function hidden(text) { return el('span', { 'class': 'wia-vh' }, [text]); }

  function dutchDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? String(Number(m[3])) + ' ' + MONTHS[Number(m[2]) - 1] + ' ' + m[1] : '';
  }

  function scopeLabel(scope) {
    if (!scope || scope === 'national') { return 'Landelijk'; }
    var parts = scope.split(':');
    return (parts[0] === 'regio' ? 'Afspraak in de regio ' : 'Beleid gemeente ') + (parts[1] || '');
  }

  function readSession() {
    try { return window.sessionStorage.getItem(STORE_KEY) || null; } catch (e) { return null; }
  }

  function saveSession(id) {
    sessionId = id || null;
    try {
      if (sessionId) { window.sessionStorage.setItem(STORE_KEY, sessionId); }
      else { window.sessionStorage.removeItem(STORE_KEY); }
    } catch (e) { /* storage may be blocked: the session then lasts as long as the page */ }
  }

  function loadStyles() {
    if (document.querySelector('link[data-wia]')) { return; }
    document.head.appendChild(el('link', { rel: 'stylesheet', href: BASE + '/widget.css', 'data-wia': '1' }));
  }

  /* ---- the user interface ------------------------------------------------------------------ */

  var ids = { panel: nextId('panel'), title: nextId('title'), input: nextId('input'), hint: nextId('hint') };
  var ui = {};

  function build() {
    ui.root = el('div', { 'class': 'wia-root wia-mode-' + MODE });
    ui.log = el('div', { 'class': 'wia-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
      'aria-label': 'Gesprek', tabindex: '0' });
    ui.status = el('p', { 'class': 'wia-status', role: 'status', 'aria-live': 'polite' });
    ui.input = el('textarea', { id: ids.input, 'class': 'wia-input', rows: '2', maxlength: String(MAX_CHARS),
      'aria-describedby': ids.hint, autocomplete: 'off' });
    ui.send = el('button', { type: 'submit', 'class': 'wia-send' }, ['Verstuur']);
    ui.form = el('form', { 'class': 'wia-form', novalidate: 'novalidate' }, [
      el('label', { 'for': ids.input, 'class': 'wia-label' }, ['Je vraag']),
      el('p', { id: ids.hint, 'class': 'wia-hint' }, [
        'Voer geen persoonsgegevens in (zoals BSN, naam of geboortedatum). Enter verstuurt, Shift+Enter geeft een nieuwe regel.']),
      el('div', { 'class': 'wia-row' }, [ui.input, ui.send])
    ]);
    ui.reset = el('button', { type: 'button', 'class': 'wia-secondary wia-reset' }, ['Nieuw gesprek']);
    var tools = [ui.reset];
    if (MODE === 'widget') {
      ui.close = el('button', { type: 'button', 'class': 'wia-secondary wia-close', 'aria-label': 'Chat sluiten' }, ['Sluiten']);
      tools.push(ui.close);
    }
    var heading = el('h2', { id: ids.title, 'class': 'wia-title' }, [TITLE]);
    ui.panel = el('section', {
      id: ids.panel, 'class': 'wia-panel', 'aria-labelledby': ids.title,
      role: MODE === 'widget' ? 'dialog' : null, hidden: MODE === 'widget' ? 'hidden' : null
    }, [
      el('div', { 'class': 'wia-head' }, [heading, el('div', { 'class': 'wia-tools' }, tools)]),
      ui.log, ui.status, ui.form
    ]);
    if (MODE === 'widget') {
      ui.launcher = el('button', { type: 'button', 'class': 'wia-launcher', 'aria-expanded': 'false',
        'aria-controls': ids.panel }, [el('span', { 'aria-hidden': 'true', 'class': 'wia-launcher-icon' }, ['?']),
        ' Vraag de inburgeringsassistent']);
      ui.root.appendChild(ui.launcher);
    }
    ui.root.appendChild(ui.panel);
    intro();
    wire();
    var target = TARGET && document.getElementById(TARGET);
    (target || document.body).appendChild(ui.root);
  }

  function intro() {
    ui.log.appendChild(el('p', { 'class': 'wia-intro' }, [
      'Stel een vraag over de Wet inburgering, bijvoorbeeld: "Wat is het PIP?" ',
      'Elk antwoord komt letterlijk uit de bronnen; met [1], [2] ga je naar de bron.']));
  }

  function wire() {
    ui.form.addEventListener('submit', function (event) { event.preventDefault(); submit(); });
    ui.input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
    });
    ui.reset.addEventListener('click', newConversation);
    if (MODE !== 'widget') { return; }
    ui.launcher.addEventListener('click', function () { setOpen(ui.panel.hidden); });
    ui.close.addEventListener('click', function () { setOpen(false); });
    ui.panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { event.preventDefault(); setOpen(false); }
    });
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    (open ? ui.input : ui.launcher).focus();
  }

  function setStatus(text) { ui.status.textContent = text; }

  function setBusy(value) {
    busy = value;
    ui.send.disabled = value;
    ui.root.setAttribute('aria-busy', value ? 'true' : 'false');
  }

  function newConversation() {
    saveSession(null);
    turn = 0;
    while (ui.log.firstChild) { ui.log.removeChild(ui.log.firstChild); }
    intro();
    setStatus('Nieuw gesprek gestart.');
    ui.input.value = '';
    ui.input.focus();
  }

  /* ---- talking to the API ------------------------------------------------------------------ */

  function headers() {
    var h = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
    if (KEY) { h['X-API-Key'] = KEY; }
    return h;
  }

  function post(path, body) {
    return fetch(BASE + path, { method: 'POST', headers: headers(), body: JSON.stringify(body), credentials: 'omit' })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { ok: response.ok, status: response.status, data: data };
        });
      });
  }

  function detail(result) {
    var d = result && result.data && result.data.detail;
    return typeof d === 'string' && d ? d : 'Er ging iets mis. Probeer het later opnieuw.';
  }

  function submit() {
    if (busy) { return; }
    var question = ui.input.value.trim();
    if (!question) { setStatus('Typ eerst een vraag.'); ui.input.focus(); return; }
    if (question.length > MAX_CHARS) { setStatus('Je vraag is te lang (maximaal ' + MAX_CHARS + ' tekens).'); return; }
    ui.log.appendChild(el('div', { 'class': 'wia-msg wia-user' }, [hidden('Jij: '), question]));
    ui.input.value = '';
    setBusy(true);
    setStatus('Bezig met zoeken in de bronnen…');
    ask(question, true);
  }

  function ask(question, mayRetry) {
    var body = { question: question };
    if (sessionId) { body.session_id = sessionId; }
    if (SCOPE) { body.scope = SCOPE; }
    post('/v1/chat', body).then(function (result) {
      if (result.status === 404 && sessionId && mayRetry) { saveSession(null); ask(question, false); return; }
      if (!result.ok) { showError(detail(result)); return; }
      saveSession(result.data.session_id);
      renderAnswer(result.data);
      setStatus(result.data.refused ? 'Antwoord ontvangen: de bronnen beantwoorden deze vraag niet.' : 'Antwoord ontvangen.');
      setBusy(false);
    }).catch(function () {
      showError('De assistent is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.');
    });
  }

  function showError(message) {
    ui.log.appendChild(el('div', { 'class': 'wia-msg wia-error' }, [el('strong', {}, ['Fout: ']), message]));
    setStatus('Fout: ' + message);
    setBusy(false);
  }

  /* ---- rendering an answer ----------------------------------------------------------------- */

  function citeId(t, n) { return 'wia-t' + t + '-c' + n + '-' + ids.panel; }

  function renderAnswer(answer) {
    turn += 1;
    var t = turn;
    var known = {};
    (answer.citations || []).forEach(function (c) { known[c.n] = true; });
    var article = el('article', { 'class': 'wia-msg wia-bot' + (answer.refused ? ' wia-refused' : '') }, [
      el('h3', { 'class': 'wia-vh' }, ['Antwoord ' + t])]);
    if (answer.refused) {
      article.appendChild(el('p', { 'class': 'wia-notice wia-notice-refused' }, [
        el('strong', {}, ['Geen antwoord in de bronnen. ']),
        'De assistent geeft alleen antwoord als de bronnen het zeggen.']));
    }
    if (answer.warnings && answer.warnings.length) {
      article.appendChild(el('div', { 'class': 'wia-notice wia-notice-warning' }, [
        el('strong', {}, ['Belangrijk bij dit antwoord']),
        el('ul', {}, answer.warnings.map(function (w) { return el('li', {}, [w]); }))]));
    }
    String(answer.answer || '').split('\n').forEach(function (line) {
      if (line.trim()) { article.appendChild(el('p', { 'class': 'wia-text' }, withMarkers(line, t, known))); }
    });
    if (answer.citations && answer.citations.length) {
      article.appendChild(el('h4', { 'class': 'wia-cites-title' }, [answer.refused ? 'Dichtstbijzijnde bronnen' : 'Bronnen']));
      article.appendChild(el('ol', { 'class': 'wia-cites' }, answer.citations.map(function (c) { return card(c, t); })));
    }
    article.appendChild(feedback(answer.answer_id));
    ui.log.appendChild(article);
    // Show the start of the new answer (not its end): people read it from the top.
    ui.log.scrollTop += article.getBoundingClientRect().top - ui.log.getBoundingClientRect().top - 8;
  }

  /* The answer text with each [n] turned into a link to citation card n. */
  function withMarkers(line, t, known) {
    var nodes = [];
    var pattern = /\[(\d+)\]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(line)) !== null) {
      var n = Number(match[1]);
      if (!known[n]) { continue; }
      if (match.index > last) { nodes.push(document.createTextNode(line.slice(last, match.index))); }
      nodes.push(marker(n, t));
      last = match.index + match[0].length;
    }
    if (last < line.length) { nodes.push(document.createTextNode(line.slice(last))); }
    return nodes;
  }

  function marker(n, t) {
    var link = el('a', { href: '#' + citeId(t, n), 'class': 'wia-marker', 'aria-label': 'Bron ' + n }, ['[' + n + ']']);
    link.addEventListener('click', function (event) {
      event.preventDefault();
      var target = document.getElementById(citeId(t, n));
      if (!target) { return; }
      target.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      target.focus({ preventScroll: true });
    });
    return link;
  }

  function card(c, t) {
    var meta = [];
    if (c.section) { meta.push(el('span', { 'class': 'wia-section' }, [c.section])); }
    var date = c.update_date ? 'bijgewerkt op ' + dutchDate(c.update_date)
      : (c.version_date ? 'versie van ' + dutchDate(c.version_date) : '');
    if (date) { meta.push(el('span', { 'class': 'wia-date' }, [date])); }
    meta.push(el('span', { 'class': 'wia-scope' }, [c.label || scopeLabel(c.scope)]));
    var href = BASE + '/bron/' + encodeURIComponent(c.chunk_id) + '?citaat=' + encodeURIComponent(c.quote || '') + '#citaat';
    return el('li', { id: citeId(t, c.n), 'class': 'wia-card', tabindex: '-1' }, [
      el('p', { 'class': 'wia-card-title' }, [el('span', { 'class': 'wia-n' }, ['[' + c.n + '] ']), c.document_title]),
      c.question ? el('p', { 'class': 'wia-card-question' }, [el('span', { 'class': 'wia-k' }, ['Vraag: ']), c.question]) : null,
      el('p', { 'class': 'wia-card-meta' }, meta),
      el('blockquote', { 'class': 'wia-quote' }, [c.quote || '']),
      el('a', { href: href, 'class': 'wia-source-link', target: '_blank', rel: 'noopener noreferrer' },
        ['Bron bekijken', hidden(' (' + c.document_title + ', opent in een nieuw tabblad)')])
    ]);
  }

  /* A thumb icon drawn with SVG (emoji fonts are often missing); decorative, hidden from screen readers. */
  function thumb(down) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'wia-thumb');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 ' +
      '7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z');
    path.setAttribute('fill', 'currentColor');
    if (down) { path.setAttribute('transform', 'rotate(180 12 12)'); }
    svg.appendChild(path);
    return svg;
  }

  function feedback(answerId) {
    var note = el('span', { 'class': 'wia-feedback-note', role: 'status' });
    var up = el('button', { type: 'button', 'class': 'wia-secondary wia-up', 'aria-pressed': 'false' },
      [thumb(false), 'Nuttig']);
    var down = el('button', { type: 'button', 'class': 'wia-secondary wia-down', 'aria-pressed': 'false' },
      [thumb(true), 'Niet nuttig']);
    function send(rating, button, other) {
      post('/v1/feedback', { answer_id: answerId, rating: rating }).then(function (result) {
        if (!result.ok) { note.textContent = detail(result); return; }
        button.setAttribute('aria-pressed', 'true');
        other.setAttribute('aria-pressed', 'false');
        note.textContent = 'Bedankt voor je feedback.';
      }).catch(function () { note.textContent = 'Feedback versturen lukte niet.'; });
    }
    up.addEventListener('click', function () { send('up', up, down); });
    down.addEventListener('click', function () { send('down', down, up); });
    return el('div', { 'class': 'wia-feedback', role: 'group', 'aria-label': 'Was dit antwoord nuttig?' }, [
      el('span', { 'class': 'wia-feedback-q', 'aria-hidden': 'true' }, ['Was dit antwoord nuttig?']), up, down, note]);
  }

  function start() { loadStyles(); build(); }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());
