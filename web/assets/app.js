// dossier search page: runs the query in the URL against /api/search and
// renders the hits.  All text goes in through textContent: nothing from the
// archive is ever parsed as HTML.
'use strict';
(function () {
  const PAGE = 20;
  const form = document.getElementById('search');
  const input = document.getElementById('q');
  const status = document.getElementById('status');
  const list = document.getElementById('hits');
  const pager = document.getElementById('pager');

  function params() {
    const p = new URLSearchParams(location.search);
    return { q: p.get('q') || '', offset: Math.max(0, parseInt(p.get('offset') || '0', 10) || 0) };
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The API marks matched words as [word]; turn them into <mark> safely.
  function snippet(text) {
    const p = el('p', 'snippet');
    const re = /\[([^\]]*)\]/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      p.appendChild(document.createTextNode(text.slice(last, m.index)));
      p.appendChild(el('mark', null, m[1]));
      last = re.lastIndex;
    }
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }

  async function run() {
    const { q, offset } = params();
    input.value = q;
    list.replaceChildren();
    pager.hidden = true;
    if (!q.trim()) { setStatus(''); return; }
    setStatus('Searching…');
    let res, body;
    try {
      res = await fetch('/api/search?' + new URLSearchParams({ q, offset, limit: PAGE }));
      body = await res.json();
    } catch (e) {
      setStatus('The archive server could not be reached. Check that dossier is running and try again.', true);
      return;
    }
    if (res.status === 401) { showSignIn('Your session has ended; please sign in again.', true); return; }
    if (!res.ok) { setStatus('Search failed: ' + (body.error || res.statusText), true); return; }
    if (body.total === 0) { setStatus('No documents match “' + q + '”.'); return; }
    const last = Math.min(offset + body.hits.length, body.total);
    const many = body.total_exact === false;
    setStatus((many ? 'At least ' : '') + body.total + ' document' + (body.total === 1 && !many ? '' : 's') + ' found' +
      (many ? ' (ranked among the ' + body.ranked_among_newest + ' newest; add a field or date to narrow it)' : '') +
      '; showing ' + (offset + 1) + '–' + last + '.');
    for (const h of body.hits) {
      const li = el('li');
      li.appendChild(el('strong', null, (h.title || ('Document ' + h.id))));
      const meta = ['Document ' + h.id];
      if (h.account) meta.push('account ' + h.account);
      if (h.category) meta.push(h.category);
      if (h.archive_no) meta.push('archive no. ' + h.archive_no);
      if (h.date) meta.push('dated ' + h.date);
      if (h.pages && h.pages.length) meta.push('page' + (h.pages.length > 1 ? 's ' : ' ') + h.pages.map(p => p.seq).join(', '));
      meta.push('added ' + h.added.slice(0, 10));
      li.appendChild(el('div', 'meta', meta.join(' · ')));
      if (h.snippet) li.appendChild(snippet(h.snippet));
      list.appendChild(li);
    }
    if (body.total > PAGE) {
      pager.hidden = false;
      document.getElementById('prev').disabled = offset === 0;
      document.getElementById('next').disabled = last >= body.total;
    }
  }

  function go(q, offset) {
    const p = new URLSearchParams({ q });
    if (offset) p.set('offset', offset);
    history.pushState(null, '', '/?' + p);
    run();
  }

  /* Signing in: the session is an HttpOnly cookie; the CSRF token goes
   * with every request that changes something. */
  const signin = document.getElementById('signin');
  const who = document.getElementById('who');
  let csrf = sessionStorage.getItem('csrf') || '';

  function signInMessage(text, isError) {
    const m = document.getElementById('signin-status');
    m.textContent = text || '';
    m.className = isError ? 'error' : '';
  }

  function showSignIn(message, isError) {
    form.hidden = true; who.hidden = true; pager.hidden = true;
    list.replaceChildren(); setStatus(''); input.value = '';
    /* The last search stays with the session, not in the address. */
    history.replaceState(null, '', '/');
    document.title = 'dossier: sign in';
    signin.hidden = false;
    signInMessage(message, isError);
    document.getElementById('name').focus();
  }

  function showSearch(me) {
    signin.hidden = true; form.hidden = false; who.hidden = false;
    document.title = 'dossier: search';
    document.getElementById('whoname').textContent = me.user + ' (' + me.role + ')';
    input.focus();
    run();
  }

  async function start() {
    let res;
    try { res = await fetch('/api/me'); } catch (e) {
      setStatus('The archive server could not be reached. Check that dossier is running and try again.', true);
      return;
    }
    if (res.ok) showSearch(await res.json()); else showSignIn();
  }

  signin.addEventListener('submit', async (e) => {
    e.preventDefault();
    signInMessage('Signing in…');
    let res, body;
    try {
      res = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: document.getElementById('name').value, password: document.getElementById('password').value }) });
      body = await res.json();
    } catch (err) { signInMessage('The archive server could not be reached.', true); return; }
    const pw = document.getElementById('password');
    pw.value = '';
    if (!res.ok) {
      signInMessage(res.status === 401 ? 'Wrong user name or password.' : (body.error || 'Sign-in failed.'), true);
      pw.focus();
      return;
    }
    csrf = body.csrf; sessionStorage.setItem('csrf', csrf);
    showSearch(body);
  });

  document.getElementById('signout').addEventListener('click', async () => {
    try { await fetch('/api/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } }); } catch (e) { /* signed out below anyway */ }
    csrf = ''; sessionStorage.removeItem('csrf');
    showSignIn('You are signed out.');
  });

  form.addEventListener('submit', (e) => { e.preventDefault(); go(input.value, 0); });
  document.getElementById('prev').addEventListener('click', () => go(params().q, Math.max(0, params().offset - PAGE)));
  document.getElementById('next').addEventListener('click', () => go(params().q, params().offset + PAGE));
  window.addEventListener('popstate', () => { if (!form.hidden) run(); });
  start();
})();
