/* Inburgeringsassistent: chat widget (one <script> tag) and full-page chat.
 *
 * Safety rule: every text from the server or the user goes into the page with textContent or
 * createTextNode, never innerHTML, so no markup or script in a question or a source can run.
 *
 * Layout rule: the answer comes first. Notices are one line, warnings a one-line summary after the
 * answer that expands, source cards show title, question or section, date and scope; the whole
 * passage opens on demand.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.__wiaLoaded) { return; }
  window.__wiaLoaded = true;

  var BASE = new URL(script.src, window.location.href).origin;
  var KEY = (script.getAttribute('data-api-key') || '').trim();
  var SCOPE = script.getAttribute('data-scope') || '';
  var MODE = script.getAttribute('data-mode') === 'page' ? 'page' : 'widget';
  var TARGET = script.getAttribute('data-target');
  var TITLE = script.getAttribute('data-title') ||
    (script.getAttribute('data-mode') === 'page' ? 'Gesprek' : 'Inburgeringsassistent');
  var STORE_KEY = 'wia-session:' + BASE + ':' + SCOPE;
  var MAX_CHARS = 2000;
  var MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus',
    'september', 'oktober', 'november', 'december'];
  // Shown to the klantmanager when the key or the site set-up is wrong; the reason goes to the console.
  var SETUP_PROBLEM = 'De assistent is op deze site niet goed ingesteld; neem contact op met de beheerder.';
  var UNREACHABLE = 'De assistent is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.';
  var UNCERTAIN = 'Mogelijk geen antwoord op je vraag: dit is de passage die er het dichtst bij ligt.';
  var REFUSED = 'Geen antwoord in de bronnen.';
  var TOUCH = !!(window.matchMedia && window.matchMedia('(pointer: coarse)').matches);
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

  /* The same words as assistant.labels.date_wording (CLI, Teams): only an entry's own marker is an update. */
  function dateWording(c) {
    if (c.update_date) { return 'Bijgewerkt op ' + dutchDate(c.update_date); }
    if (c.version_date) { return 'Geen eigen datum; documentversie van ' + dutchDate(c.version_date); }
    return 'Geen eigen datum';
  }

  function scopeLabel(scope) {
    if (!scope || scope === 'national') { return 'Landelijk'; }
    var parts = scope.split(':');
    return (parts[0] === 'regio' ? 'Afspraak in de regio ' : 'Beleid gemeente ') + (parts[1] || '');
  }

  /* Why the configured key cannot work, in English for the console; null when it looks usable. */
  function keyProblem() {
    if (KEY && /[^\x21-\x7e]/.test(KEY)) {
      return 'data-api-key contains characters that cannot be sent in an HTTP header ' +
        '(is it still the placeholder "wia_…" from the documentation?)';
    }
    return null;
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

  function readRating(answerId) {
    try { return window.sessionStorage.getItem('wia-rating:' + answerId); } catch (e) { return null; }
  }

  function saveRating(answerId, rating) {
    try { window.sessionStorage.setItem('wia-rating:' + answerId, rating); } catch (e) { /* storage blocked */ }
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
    var hint = 'Voer geen persoonsgegevens in (zoals BSN, naam of geboortedatum).' +
      (TOUCH ? '' : ' Enter verstuurt, Shift+Enter geeft een nieuwe regel.');
    ui.form = el('form', { 'class': 'wia-form', novalidate: 'novalidate' }, [
      el('label', { 'for': ids.input, 'class': 'wia-label' }, ['Je vraag']),
      el('p', { id: ids.hint, 'class': 'wia-hint' }, [hint]),
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
    var problem = keyProblem();
    if (problem) { window.console.error('Inburgeringsassistent: ' + problem); }
    restore();
  }

  function intro() {
    ui.log.appendChild(el('p', { 'class': 'wia-intro' }, [
      'Stel een vraag over de Wet inburgering, bijvoorbeeld: "Wat is het PIP?" ',
      'Elk antwoord komt letterlijk uit de bronnen; met [1], [2] ga je naar de bron.']));
  }

  function note(text) {
    ui.log.appendChild(el('p', { 'class': 'wia-system' }, [text]));
  }

  function wire() {
    ui.form.addEventListener('submit', function (event) { event.preventDefault(); submit(); });
    ui.input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !TOUCH) { event.preventDefault(); submit(); }
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
    ui.root.classList.toggle('wia-open', open);
    (open ? ui.input : ui.launcher).focus();
  }

  function setStatus(text) { ui.status.textContent = text; }

  function setBusy(value) {
    busy = value;
    ui.send.disabled = value;
    ui.root.setAttribute('aria-busy', value ? 'true' : 'false');
  }

  function clearLog() {
    turn = 0;
    while (ui.log.firstChild) { ui.log.removeChild(ui.log.firstChild); }
    intro();
  }

  function newConversation() {
    saveSession(null);
    clearLog();
    note('Nieuw gesprek gestart. Eerdere vragen tellen niet meer mee.');
    setStatus('Nieuw gesprek gestart.');
    ui.input.value = '';
    ui.input.focus();
  }

  /* After a reload: show the stored conversation again, or say that a new one starts (never a hidden context). */
  function restore() {
    if (!sessionId || keyProblem()) { return; }
    request('GET', '/v1/sessions/' + encodeURIComponent(sessionId)).then(function (result) {
      if (!result.ok || !result.data || !result.data.turns) {
        saveSession(null);
        note('Het vorige gesprek kon niet worden teruggehaald. Je begint een nieuw gesprek.');
        return;
      }
      result.data.turns.forEach(function (t) { userBubble(t.question); renderAnswer(t.answer, false); });
      note('Je gesprek is teruggezet. Vervolgvragen gaan verder op dit gesprek; kies "Nieuw gesprek" om opnieuw te beginnen.');
      ui.log.scrollTop = ui.log.scrollHeight;
    }).catch(function () {
      saveSession(null);
      note('Het vorige gesprek kon niet worden teruggehaald. Je begint een nieuw gesprek.');
    });
  }

  /* ---- talking to the API ------------------------------------------------------------------ */

  function headers() {
    var h = { 'Accept': 'application/json' };
    if (KEY) { h['X-API-Key'] = KEY; }
    return h;
  }

  function request(method, path, body) {
    var h = headers();
    var init = { method: method, headers: h, credentials: 'omit' };
    if (body !== undefined) { h['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(BASE + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function post(path, body) { return request('POST', path, body); }

  /* The message for a failed request: set-up problems in words for a klantmanager, details to the console. */
  function problemText(result) {
    var d = result && result.data && result.data.detail;
    if (result && (result.status === 401 || result.status === 403)) {
      window.console.error('Inburgeringsassistent: the service refused the API key (HTTP ' + result.status + '): ' + d);
      return SETUP_PROBLEM;
    }
    return typeof d === 'string' && d ? d : 'Er ging iets mis. Probeer het later opnieuw.';
  }

  function userBubble(text) {
    var bubble = el('div', { 'class': 'wia-msg wia-user' }, [hidden('Jij: '), el('span', { 'class': 'wia-user-text' }, [text])]);
    ui.log.appendChild(bubble);
    return bubble;
  }

  function submit() {
    if (busy) { return; }
    var question = ui.input.value.trim();
    if (!question) { setStatus('Typ eerst een vraag.'); ui.input.focus(); return; }
    if (question.length > MAX_CHARS) { setStatus('Je vraag is te lang (maximaal ' + MAX_CHARS + ' tekens).'); return; }
    var bubble = userBubble(question);
    ui.input.value = '';
    var problem = keyProblem();
    if (problem) {
      window.console.error('Inburgeringsassistent: ' + problem);
      showError(SETUP_PROBLEM);
      return;
    }
    setBusy(true);
    setStatus('Bezig met zoeken in de bronnen…');
    ask(question, bubble, true);
  }

  function ask(question, bubble, mayRetry) {
    var body = { question: question };
    if (sessionId) { body.session_id = sessionId; }
    if (SCOPE) { body.scope = SCOPE; }
    post('/v1/chat', body).then(function (result) {
      if (result.status === 404 && sessionId && mayRetry) {
        saveSession(null);
        note('Het vorige gesprek bestaat niet meer op de server. Je vraag is gesteld in een nieuw gesprek.');
        ask(question, bubble, false);
        return;
      }
      if (!result.ok) { showError(problemText(result)); return; }
      saveSession(result.data.session_id);
      showRedacted(bubble, question, result.data.question);
      renderAnswer(result.data, true);
      setStatus(statusText(result.data));
      setBusy(false);
    }).catch(function (error) { unreachable(error); });
  }

  /* A fetch that fails is either no connection or a site the service does not allow (CORS): a request the
   * browser may send without CORS tells the two apart. */
  function unreachable(error) {
    fetch(BASE + '/healthz', { mode: 'no-cors', credentials: 'omit', cache: 'no-store' }).then(function () {
      window.console.error('Inburgeringsassistent: the service is reachable but refused this site (CORS): add ' +
        window.location.origin + ' to the origins of the widget key, then restart the service.', error);
      showError(SETUP_PROBLEM);
    }).catch(function () {
      window.console.error('Inburgeringsassistent: the service at ' + BASE + ' cannot be reached.', error);
      showError(UNREACHABLE);
    });
  }

  /* The server removed personal data: the bubble shows what was really asked and kept. */
  function showRedacted(bubble, asked, kept) {
    if (typeof kept !== 'string' || !kept || kept === asked) { return; }
    var text = bubble.querySelector('.wia-user-text');
    text.textContent = kept;
    bubble.appendChild(el('span', { 'class': 'wia-user-note' }, [' (persoonsgegevens verwijderd)']));
  }

  function statusOf(answer) {
    if (answer.status === 'uncertain' || answer.status === 'refused') { return answer.status; }
    return answer.refused ? 'refused' : 'answer';
  }

  function statusText(answer) {
    var s = statusOf(answer);
    if (s === 'refused') { return 'Antwoord ontvangen: de bronnen beantwoorden deze vraag niet.'; }
    if (s === 'uncertain') { return 'Antwoord ontvangen: mogelijk geen antwoord op je vraag.'; }
    return 'Antwoord ontvangen.';
  }

  function showError(message) {
    ui.log.appendChild(el('div', { 'class': 'wia-msg wia-error', role: 'alert' }, [el('strong', {}, ['Fout: ']), message]));
    setStatus('Fout: ' + message);
    setBusy(false);
  }

  /* ---- rendering an answer ----------------------------------------------------------------- */

  function citeId(t, n) { return 'wia-t' + t + '-c' + n + '-' + ids.panel; }

  function renderAnswer(answer, scroll) {
    turn += 1;
    var t = turn;
    var known = {};
    var labels = [];
    var s = statusOf(answer);
    (answer.citations || []).forEach(function (c) {
      known[c.n] = true;
      var label = c.label || scopeLabel(c.scope);
      if (labels.indexOf(label) < 0) { labels.push(label); }
    });
    var article = el('article', { 'class': 'wia-msg wia-bot wia-status-' + s + (s === 'refused' ? ' wia-refused' : '') }, [
      el('h3', { 'class': 'wia-vh' }, ['Antwoord ' + t])]);
    if (s === 'refused') {
      article.appendChild(el('p', { 'class': 'wia-notice wia-notice-refused' }, [el('strong', {}, [REFUSED])]));
    } else if (s === 'uncertain') {
      article.appendChild(el('p', { 'class': 'wia-notice wia-notice-uncertain' }, [el('strong', {}, [UNCERTAIN])]));
    }
    var body = String(answer.answer || '');
    // The answer text itself opens with the same notice (for API users); shown once, as the notice.
    if (s === 'uncertain' && body.indexOf(UNCERTAIN) === 0) { body = body.slice(UNCERTAIN.length).trim(); }
    body.split('\n').forEach(function (line) {
      if (line.trim()) { article.appendChild(textLine(line, t, known, labels)); }
    });
    if (answer.warnings && answer.warnings.length) { article.appendChild(warnings(answer.warnings)); }
    if (answer.citations && answer.citations.length) {
      var title = s === 'refused' ? 'Dichtstbijzijnde bronnen' : (s === 'uncertain' ? 'Dichtstbijzijnde passage' : 'Bronnen');
      article.appendChild(el('h4', { 'class': 'wia-cites-title' }, [title]));
      article.appendChild(el('ol', { 'class': 'wia-cites' }, answer.citations.map(function (c) { return card(c, t); })));
    }
    if (answer.answer_id) { article.appendChild(feedback(answer.answer_id)); }
    ui.log.appendChild(article);
    if (scroll) { scrollToAnswer(article); }
  }

  /* Show the start of the new answer (not its end): people read it from the top. The question above it
   * stays in view when that costs little room. */
  function scrollToAnswer(article) {
    var logTop = ui.log.getBoundingClientRect().top;
    var top = article.getBoundingClientRect().top;
    var question = article.previousElementSibling;
    if (question && question.classList.contains('wia-user')) {
      var above = question.getBoundingClientRect().top;
      if (top - above < ui.log.clientHeight * 0.3) { top = above; }
    }
    ui.log.scrollTop += top - logTop - 8;
  }

  /* One line of answer text: a leading scope label ("Afspraak in …:") stays visible as a label. */
  function textLine(line, t, known, labels) {
    var p = el('p', { 'class': 'wia-text' });
    for (var i = 0; i < labels.length; i += 1) {
      if (line.indexOf(labels[i] + ': ') === 0) {
        p.appendChild(el('strong', { 'class': 'wia-chip' }, [labels[i]]));
        p.appendChild(document.createTextNode(' '));
        line = line.slice(labels[i].length + 2);
        break;
      }
    }
    withMarkers(line, t, known).forEach(function (node) { p.appendChild(node); });
    return p;
  }

  /* Warnings after the answer: one summary line that expands to the full list. */
  function warnings(list) {
    var summary = el('summary', { 'class': 'wia-warn-summary' }, [
      el('strong', {}, [list.length === 1 ? 'Let op: ' : 'Let op (' + list.length + '): ']),
      el('span', { 'class': 'wia-warn-first' }, [list[0].replace(/^Let op:\s*/, '')])]);
    return el('details', { 'class': 'wia-notice wia-notice-warning' }, [
      summary, el('ul', {}, list.map(function (w) { return el('li', {}, [w]); }))]);
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

  /* The passage with the quote the answer rests on in <mark> (both as text nodes). */
  function passage(c) {
    var text = c.text || c.quote || '';
    var at = c.quote ? text.indexOf(c.quote) : -1;
    var block = el('blockquote', { 'class': 'wia-quote' });
    if (at < 0) { block.appendChild(document.createTextNode(text)); return block; }
    block.appendChild(document.createTextNode(text.slice(0, at)));
    block.appendChild(el('mark', {}, [c.quote]));
    block.appendChild(document.createTextNode(text.slice(at + c.quote.length)));
    return block;
  }

  function card(c, t) {
    var where = c.question ? el('p', { 'class': 'wia-card-question' }, [el('span', { 'class': 'wia-k' }, ['Vraag: ']), c.question])
      : (c.section ? el('p', { 'class': 'wia-card-question' }, [c.section]) : null);
    var href = BASE + '/bron/' + encodeURIComponent(c.chunk_id) + '?citaat=' + encodeURIComponent(c.quote || '') + '#citaat';
    var more = el('details', { 'class': 'wia-more' }, [
      el('summary', {}, ['Hele passage tonen']),
      passage(c),
      el('a', { href: href, 'class': 'wia-source-link', target: '_blank', rel: 'noopener noreferrer' },
        ['Bron in het document bekijken', hidden(' (' + c.document_title + ', opent in een nieuw tabblad)')])]);
    return el('li', { id: citeId(t, c.n), 'class': 'wia-card', tabindex: '-1' }, [
      el('p', { 'class': 'wia-card-title' }, [el('span', { 'class': 'wia-n' }, ['[' + c.n + '] ']), c.document_title]),
      where,
      el('p', { 'class': 'wia-card-meta' }, [
        el('span', { 'class': 'wia-date' }, [dateWording(c)]),
        el('span', { 'class': 'wia-scope' }, [c.label || scopeLabel(c.scope)])]),
      more
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

  /* Thumbs up or down (the last click counts), and an optional comment after "Niet nuttig". */
  function feedback(answerId) {
    var note = el('span', { 'class': 'wia-feedback-note', role: 'status' });
    var up = el('button', { type: 'button', 'class': 'wia-secondary wia-up', 'aria-pressed': 'false' },
      [thumb(false), 'Nuttig']);
    var down = el('button', { type: 'button', 'class': 'wia-secondary wia-down', 'aria-pressed': 'false' },
      [thumb(true), 'Niet nuttig']);
    var commentId = nextId('comment');
    var comment = el('textarea', { id: commentId, 'class': 'wia-comment-input', rows: '2', maxlength: String(MAX_CHARS) });
    var sendComment = el('button', { type: 'submit', 'class': 'wia-secondary' }, ['Toelichting versturen']);
    var form = el('form', { 'class': 'wia-comment', hidden: 'hidden', novalidate: 'novalidate' }, [
      el('label', { 'for': commentId }, ['Wat klopte er niet of wat miste je? (optioneel, zonder persoonsgegevens)']),
      comment, sendComment]);
    function send(rating, text) {
      var body = { answer_id: answerId, rating: rating };
      if (text) { body.comment = text; }
      return post('/v1/feedback', body).then(function (result) {
        if (!result.ok) { note.textContent = problemText(result); return false; }
        up.setAttribute('aria-pressed', rating === 'up' ? 'true' : 'false');
        down.setAttribute('aria-pressed', rating === 'down' ? 'true' : 'false');
        note.textContent = text ? 'Bedankt voor je toelichting.' : 'Bedankt voor je feedback.';
        saveRating(answerId, rating);
        return true;
      }).catch(function () { note.textContent = 'Feedback versturen lukte niet.'; return false; });
    }
    var given = readRating(answerId);  // after a reload the buttons show the rating given before
    if (given) { (given === 'up' ? up : down).setAttribute('aria-pressed', 'true'); }
    up.addEventListener('click', function () { form.hidden = true; send('up'); });
    down.addEventListener('click', function () {
      send('down').then(function (ok) { if (ok) { form.hidden = false; comment.focus(); } });
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = comment.value.trim();
      if (!text) { note.textContent = 'Typ eerst een toelichting, of laat het veld leeg.'; return; }
      send('down', text).then(function (ok) { if (ok) { form.hidden = true; } });
    });
    return el('div', { 'class': 'wia-feedback', role: 'group', 'aria-label': 'Was dit antwoord nuttig?' }, [
      el('span', { 'class': 'wia-feedback-q', 'aria-hidden': 'true' }, ['Was dit antwoord nuttig?']), up, down, note, form]);
  }

  function start() { loadStyles(); build(); }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());
