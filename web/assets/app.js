// dossier's page shell: sign-in, the menu, and a router over the address's
// hash (#/home, #/search?q=..., #/doc/12, #/customer/C-0001, ...), so every screen
// can be bookmarked and shared.  Screens live in their own files and
// register with D.screen(name, {title, render}).  All text goes in through
// textContent: nothing from the archive is ever parsed as HTML.
'use strict';
window.D = (function () {
  const screens = {};
  const view = document.getElementById('view');
  const signin = document.getElementById('signin');
  const who = document.getElementById('who');
  const menu = document.getElementById('menu');
  let csrf = sessionStorage.getItem('csrf') || '';
  let me = null;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // The API marks matched words as [word]; turn them into <mark> safely.
  function marked(text, tag) {
    const p = el(tag || 'p', 'snippet');
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

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  // Calls the JSON API; throws ApiError with the server's words.  A 401
  // brings back the sign-in form.
  async function api(path, opts) {
    const o = Object.assign({ headers: {} }, opts || {});
    if (o.body !== undefined && typeof o.body !== 'string') {
      o.body = JSON.stringify(o.body);
      o.headers['Content-Type'] = 'application/json';
    }
    if (o.method && o.method !== 'GET') o.headers['X-CSRF-Token'] = csrf;
    let res;
    try { res = await fetch(path, o); } catch (e) {
      throw new ApiError(0, 'The archive server could not be reached. Check that dossier is running and try again.');
    }
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (res.status === 401) {
      showSignIn('Your session has ended; please sign in again.', true);
      throw new ApiError(401, 'please sign in');
    }
    if (!res.ok) throw new ApiError(res.status, (body && body.error) || res.statusText);
    return body;
  }

  // POSTs JSON and returns the answer's bytes (a PDF) as a Blob; errors
  // as api() throws them.
  async function blob(path, body) {
    let res;
    try {
      res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, 'The archive server could not be reached. Check that dossier is running and try again.');
    }
    if (res.status === 401) {
      showSignIn('Your session has ended; please sign in again.', true);
      throw new ApiError(401, 'please sign in');
    }
    if (!res.ok) {
      let b = null;
      try { b = await res.json(); } catch (e) { b = null; }
      throw new ApiError(res.status, (b && b.error) || res.statusText);
    }
    return res.blob();
  }

  // The current route: name, the path's rest, and the query parameters.
  function route() {
    const h = location.hash.replace(/^#\/?/, '');
    const [path, query] = h.split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    return { name: parts[0] || 'home', args: parts.slice(1), params: new URLSearchParams(query || '') };
  }

  function go(hash) {
    if (location.hash === hash) render(); else location.hash = hash;
  }

  function may(action) { return !!(me && me.actions && me.actions.indexOf(action) >= 0); }

  // A status line for a screen: role=status, errors in words.
  function status(text, isError) {
    const p = el('p', isError ? 'status error' : 'status', text);
    p.setAttribute('role', isError ? 'alert' : 'status');
    return p;
  }

  async function render() {
    if (!me) return;
    const r = route();
    const s = screens[r.name] || screens.home;
    view.replaceChildren();
    document.title = 'dossier: ' + (s.title || r.name);
    for (const a of menu.querySelectorAll('a'))
      a.setAttribute('aria-current', a.dataset.screen === r.name ? 'page' : 'false');
    try {
      await s.render(view, r);
    } catch (e) {
      if (e.status !== 401) view.appendChild(status(e.message, true));
    }
  }

  function screen(name, def) { screens[name] = def; }

  function buildMenu() {
    menu.replaceChildren();
    const items = [['home', 'Home', null], ['search', 'Search', 'search'], ['customers', 'Customers', 'view'],
      ['review', 'Scan & review', 'review'],
      ['audit', 'Audit log', 'audit_read'], ['exports', 'Exports', 'export'], ['stats', 'Statistics', 'report'],
      ['records', 'Retention', 'report'], ['admin', 'Administration', 'admin']];
    for (const [name, label, action] of items) {
      if ((action && !may(action)) || !screens[name]) continue;
      const a = el('a', null, label);
      a.href = '#/' + name;
      a.dataset.screen = name;
      menu.appendChild(a);
    }
    menu.hidden = false;
  }

  function signInMessage(text, isError) {
    const m = document.getElementById('signin-status');
    m.textContent = text || '';
    m.className = isError ? 'error' : '';
  }

  function showSignIn(message, isError) {
    me = null;
    view.hidden = true; who.hidden = true; menu.hidden = true;
    view.replaceChildren();
    // The last screen stays with the session, not in the address.
    history.replaceState(null, '', '/');
    document.title = 'dossier: sign in';
    signin.hidden = false;
    signInMessage(message, isError);
    document.getElementById('name').focus();
  }

  function signedIn(user) {
    me = user;
    signin.hidden = true; view.hidden = false; who.hidden = false;
    document.getElementById('whoname').textContent = me.user + ' (' + me.role + ')';
    buildMenu();
    render();
  }

  async function start() {
    let res;
    try { res = await fetch('/api/me'); } catch (e) {
      view.hidden = false;
      view.replaceChildren(status('The archive server could not be reached. Check that dossier is running and try again.', true));
      return;
    }
    if (res.ok) signedIn(await res.json()); else showSignIn();
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
    signedIn(body);
  });

  document.getElementById('signout').addEventListener('click', async () => {
    try { await fetch('/api/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } }); } catch (e) { /* signed out below anyway */ }
    csrf = ''; sessionStorage.removeItem('csrf');
    showSignIn('You are signed out.');
  });

  window.addEventListener('hashchange', render);
  window.addEventListener('DOMContentLoaded', start);
  return { api, blob, el, marked, status, route, go, may, screen, me: () => me };
})();
