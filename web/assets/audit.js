// The audit log screen, #/audit?actor=&action=&document=&from=&to=: a
// filter form whose values live in the address (so a filtered view can be
// bookmarked) and a table of entries, newest first, with "Older entries"
// paging by the smallest entry number shown.  Everything from the server
// goes in as text.
'use strict';
(function () {
  const D = window.D;
  const PAGE = 100;
  const FIELDS = ['actor', 'action', 'document', 'from', 'to'];
  // Actions the archive writes today; the field takes any other too.
  const KNOWN_ACTIONS = ['login', 'login.fail', 'logout', 'search', 'view', 'download',
    'ingest', 'edit', 'ocr-correct', 'delete-request', 'delete-approve', 'delete-withdraw',
    'purge', 'hold-place', 'hold-release', 'customer-add', 'account-link',
    'grant.request', 'grant.approve', 'grant.refuse', 'grant.expire',
    'user.add', 'user.disable', 'user.enable', 'role.add', 'checklist-add',
    'checklist-remove', 'deny', 'audit.read', 'backup', 'init', 'batch-interrupted',
    'batch-resumed'];
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  // A real calendar day written YYYY-MM-DD.
  function isDay(v) {
    if (!DATE.test(v)) return false;
    const d = new Date(v + 'T00:00:00Z');
    return !isNaN(d) && d.toISOString().slice(0, 10) === v;
  }
  let focusResults = false;

  // A labelled input in its own cell of the filter form.
  function field(id, label, input, hint) {
    const box = D.el('div', 'rp-field');
    const l = D.el('label', null, label);
    l.htmlFor = id;
    input.id = id;
    input.name = id.replace(/^audit-/, '');
    box.append(l, input);
    if (hint) {
      const h = D.el('span', 'rp-hint', hint);
      h.id = id + '-hint';
      input.setAttribute('aria-describedby', h.id);
      box.appendChild(h);
    }
    return box;
  }

  function input(type, value) {
    const i = D.el('input');
    i.type = type;
    i.value = value || '';
    return i;
  }

  // What is wrong with the filter values, in words, or ''.
  function problem(f) {
    if (f.document && !/^[1-9]\d{0,9}$/.test(f.document))
      return 'The document number must be a whole number, such as 12.';
    if (f.from && !isDay(f.from)) return 'The from date is not a real day (dates are written YYYY-MM-DD).';
    if (f.to && !isDay(f.to)) return 'The to date is not a real day (dates are written YYYY-MM-DD).';
    if (f.from && f.to && f.from > f.to) return 'The from date is after the to date.';
    return '';
  }

  // The object column: "document N" and customers become links.
  function objectCell(entry) {
    const td = D.el('td', 'rp-object');
    const obj = entry.object || '';
    let m, href = null;
    if ((m = /^document (\d+)$/.exec(obj))) href = '#/doc/' + m[1];
    else if ((m = /^customer (.+)$/.exec(obj))) href = '#/customer/' + encodeURIComponent(m[1]);
    else if ((entry.action === 'customer-add' || entry.action === 'account-link') && obj && obj !== '-')
      href = '#/customer/' + encodeURIComponent(obj);
    if (href) {
      const a = D.el('a', null, obj);
      a.href = href;
      td.appendChild(a);
    } else {
      td.textContent = obj === '-' ? '' : obj;
    }
    return td;
  }

  function row(entry) {
    const tr = D.el('tr');
    tr.appendChild(D.el('td', 'rp-num', entry.id));
    const td = D.el('td', 'rp-time');
    const t = D.el('time', null, String(entry.ts || '').replace('T', ' ').replace(/Z$/, ''));
    t.setAttribute('datetime', entry.ts || '');
    const when = new Date(entry.ts);
    if (!isNaN(when)) t.title = 'Your local time: ' + when.toLocaleString();
    td.appendChild(t);
    tr.appendChild(td);
    tr.appendChild(D.el('td', null, entry.actor));
    tr.appendChild(D.el('td', 'rp-action', entry.action));
    tr.appendChild(objectCell(entry));
    tr.appendChild(D.el('td', 'rp-detail', entry.detail));
    return tr;
  }

  function query(f, before) {
    const q = new URLSearchParams();
    q.set('limit', String(PAGE));
    for (const k of FIELDS) if (f[k]) q.set(k, f[k]);
    if (before) q.set('before', String(before));
    return '/api/audit?' + q.toString();
  }

  function plainError(e) {
    if (e.status === 403) return 'Your role may not read the audit log.';
    if (e.status === 400) return 'The archive did not accept these filters: ' + e.message + '.';
    return 'The audit log could not be loaded: ' + e.message;
  }

  async function render(view, route) {
    const root = D.el('div', 'rp-screen rp-audit');
    view.appendChild(root);
    root.appendChild(D.el('h2', null, 'Audit log'));
    if (!D.may('audit_read')) {
      root.appendChild(D.status('Your role may not read the audit log.', true));
      return;
    }

    const f = {};
    for (const k of FIELDS) f[k] = (route.params.get(k) || '').trim();

    // The filter form: its values go into the address.
    const form = D.el('form', 'rp-filters');
    form.setAttribute('role', 'search');
    form.setAttribute('aria-label', 'Filter the audit log');
    const actor = input('text', f.actor);
    actor.autocomplete = 'off';
    actor.setAttribute('list', 'audit-actors');
    const action = input('text', f.action);
    action.autocomplete = 'off';
    action.setAttribute('list', 'audit-actions');
    const doc = input('text', f.document);
    doc.inputMode = 'numeric';
    doc.autocomplete = 'off';
    const from = input('date', isDay(f.from) ? f.from : '');
    const to = input('date', isDay(f.to) ? f.to : '');
    const actions = D.el('datalist');
    actions.id = 'audit-actions';
    for (const a of KNOWN_ACTIONS) { const o = D.el('option'); o.value = a; actions.appendChild(o); }
    const actors = D.el('datalist');
    actors.id = 'audit-actors';
    const fields = D.el('div', 'rp-fields');
    fields.append(
      field('audit-actor', 'User', actor, 'exact user name'),
      field('audit-action', 'Action', action, 'exact, e.g. login'),
      field('audit-document', 'Document number', doc),
      field('audit-from', 'From date', from, 'UTC day'),
      field('audit-to', 'To date', to, 'UTC day, included'));
    const buttons = D.el('div', 'rp-buttons');
    const go = D.el('button', null, 'Show entries');
    go.type = 'submit';
    buttons.appendChild(go);
    if (FIELDS.some((k) => f[k])) {
      const clear = D.el('a', 'rp-clear', 'Clear filters');
      clear.href = '#/audit';
      buttons.appendChild(clear);
    }
    fields.appendChild(buttons);
    form.append(fields, actions, actors);
    root.appendChild(form);
    const formStatus = D.el('div', 'rp-form-status');
    root.appendChild(formStatus);
    // The log of the period shown (all of it without dates) as a CSV
    // file with each entry's chain hashes, made in the background.
    if (D.exportFollow) {
      const xb = D.el('button', 'secondary', 'Export the log of ' +
        (f.from || f.to ? (f.from || 'the start') + ' to ' + (f.to || 'today') : 'every day') + ' (CSV)');
      xb.type = 'button';
      const xo = D.el('div', 'xp-out');
      xo.setAttribute('aria-live', 'polite');
      xb.addEventListener('click', async () => {
        xb.disabled = true;
        try {
          const body = {};
          if (isDay(f.from)) body.from = f.from;
          if (isDay(f.to)) body.to = f.to;
          const r = await D.api('/api/audit/export', { method: 'POST', body });
          await D.exportFollow(r.id, xo);
        } catch (e) {
          xo.replaceChildren(D.status('The audit log could not be exported: ' + e.message, true));
        }
        xb.disabled = false;
      });
      root.append(xb, xo);
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const nf = { actor: actor.value.trim(), action: action.value.trim(),
        document: doc.value.trim(), from: from.value, to: to.value };
      const bad = from.validity.badInput ? 'The from date is incomplete; give day, month and year, or clear it.'
        : to.validity.badInput ? 'The to date is incomplete; give day, month and year, or clear it.'
          : problem(nf);
      if (bad) {
        formStatus.replaceChildren(D.status(bad, true));
        return;
      }
      const q = new URLSearchParams();
      for (const k of FIELDS) if (nf[k]) q.set(k, nf[k]);
      const s = q.toString();
      focusResults = true;
      D.go('#/audit' + (s ? '?' + s : ''));
    });

    const bad = problem(f);
    if (bad) {
      formStatus.replaceChildren(D.status(bad, true));
      return;
    }

    const summary = D.el('p', 'rp-summary', 'Loading entries…');
    summary.tabIndex = -1;
    summary.setAttribute('role', 'status');
    root.appendChild(summary);

    let first;
    try {
      first = await D.api(query(f));
    } catch (e) {
      if (e.status === 401) throw e;
      summary.remove();
      root.appendChild(D.status(plainError(e), true));
      return;
    }
    if (!root.isConnected) return;
    if (!Array.isArray(first) || first.length === 0) {
      summary.textContent = FIELDS.some((k) => f[k])
        ? 'No entries match these filters.' : 'The audit log is empty.';
      if (focusResults) { focusResults = false; summary.focus(); }
      return;
    }

    const wrap = D.el('div', 'rp-tablewrap');
    const table = D.el('table', 'rp-table rp-audit-table');
    const cap = D.el('caption', 'rp-sr', 'Audit log entries, newest first');
    const thead = D.el('thead');
    const hr = D.el('tr');
    for (const [h, cls] of [['No.', 'rp-num'], ['Time (UTC)', null], ['User', null],
      ['Action', null], ['Object', null], ['Detail', null]]) {
      const th = D.el('th', cls, h);
      th.scope = 'col';
      hr.appendChild(th);
    }
    thead.appendChild(hr);
    const tbody = D.el('tbody');
    table.append(cap, thead, tbody);
    wrap.appendChild(table);
    root.appendChild(wrap);

    const seen = new Set();
    let shown = 0, oldest = Infinity;
    function add(list) {
      for (const e of list) {
        tbody.appendChild(row(e));
        shown++;
        if (typeof e.id === 'number' && e.id < oldest) oldest = e.id;
        if (e.actor && !seen.has(e.actor)) {
          seen.add(e.actor);
          const o = D.el('option');
          o.value = e.actor;
          actors.appendChild(o);
        }
      }
      summary.textContent = shown === 1 ? '1 entry shown.' : shown + ' entries shown, newest first.';
    }
    add(first);

    const more = D.el('div', 'rp-more');
    root.appendChild(more);
    // The last page: the button goes, and focus (if it had it) moves on.
    function end(text, focus) {
      const p = D.el('p', 'rp-end', text);
      p.tabIndex = -1;
      p.setAttribute('role', 'status');
      more.replaceChildren(p);
      if (focus) p.focus();
    }
    if (first.length < PAGE) {
      end('That is every matching entry.');
    } else {
      const older = D.el('button', 'rp-secondary', 'Older entries');
      older.type = 'button';
      const moreStatus = D.el('span', 'rp-more-status');
      moreStatus.setAttribute('role', 'status');
      more.append(older, moreStatus);
      older.addEventListener('click', async () => {
        older.disabled = true;
        moreStatus.textContent = 'Loading older entries…';
        let next;
        try {
          next = await D.api(query(f, oldest));
        } catch (e) {
          if (e.status === 401) return;
          older.disabled = false;
          moreStatus.textContent = '';
          more.appendChild(D.status(plainError(e), true));
          return;
        }
        if (!root.isConnected) return;
        add(next);
        if (next.length < PAGE) {
          end(next.length === 0 ? 'There are no older entries.'
            : next.length + ' older entries added; that is every matching entry.', true);
        } else {
          older.disabled = false;
          moreStatus.textContent = next.length + ' older entries added below.';
          older.focus();
        }
      });
    }
    if (focusResults) { focusResults = false; summary.focus(); }
  }

  D.screen('audit', { title: 'Audit log', render });
})();
