// dossier landing screen (#/home): what the signed-in user needs every
// day, by what their role may do.  Everyone who may search: saved
// searches with what each finds now, recently filed documents, their
// access requests.  A clerk: their batches, the review queue, cover
// sheets.  Staff: their customers and deletion requests.  A manager:
// approvals waiting (deletions, borrow requests) and the unit's
// incomplete dossiers; disposal lists to decide on.  An auditor: recent exports and the audit log in
// numbers.  An administrator: users, units, categories, checklists and
// retention (deletions on hold, legal holds, the schedule).  Each card loads by
// itself; one that fails says so and the others stay.  No card calls
// what the role may not do.
'use strict';
(function () {
  const { el } = D;

  function link(href, text, cls) {
    const a = el('a', cls, text);
    a.href = href;
    return a;
  }
  function searchHash(q, sort) {
    const p = new URLSearchParams({ q });
    if (sort) p.set('sort', sort);
    return '#/search?' + p;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }
  function day(ts) { return ts ? String(ts).slice(0, 10) : ''; }

  // A card: a titled box whose body fill() fills; errors shown inside.
  function card(grid, id, title, fill) {
    const c = el('section', 'hm-card');
    c.id = 'home-' + id;
    const h = el('h2', null, title);
    const body = el('div', 'hm-body');
    const st = D.status('Loading…');
    body.appendChild(st);
    c.append(h, body);
    grid.appendChild(c);
    (async () => {
      try {
        await fill(body, h);
        st.remove();
      } catch (e) {
        if (e.status === 401) return;
        st.className = 'status error';
        st.textContent = 'This could not be loaded: ' + e.message;
      }
    })();
    return c;
  }

  function list(items, render, empty) {
    if (!items.length) return el('p', 'hm-empty', empty);
    const ul = el('ul', 'hm-list');
    for (const it of items) {
      const li = el('li');
      render(li, it);
      ul.appendChild(li);
    }
    return ul;
  }

  function stateTag(s) { return el('span', 'hm-state hm-' + String(s).replace(/\s+/g, '-'), s); }

  // ---- saved searches ----
  async function saved(body) {
    const items = await D.api('/api/saved-searches');
    body.appendChild(list(items, (li, s) => {
      li.appendChild(link(searchHash(s.query), s.name));
      if (s.error) li.appendChild(el('span', 'hm-err', ' cannot be run now: ' + s.error));
      else li.appendChild(el('span', 'hm-count', ' ' + (s.total_exact === false ? 'at least ' : '') + s.total));
      li.appendChild(el('code', 'hm-query', s.query));
      const rm = el('button', 'link-dark', 'Remove');
      rm.type = 'button';
      rm.setAttribute('aria-label', 'Remove the saved search ' + s.name);
      rm.addEventListener('click', async () => {
        rm.disabled = true;
        try { await D.api('/api/saved-searches/' + s.id + '/remove', { method: 'POST', body: {} }); li.remove(); } catch (e) {
          rm.disabled = false;
          li.appendChild(el('span', 'hm-err', ' ' + e.message));
        }
      });
      li.appendChild(rm);
    }, 'None yet: run a search and press “Save this search” beside its results.'));
  }

  // ---- recently filed (what one may search) ----
  async function recent(body) {
    const r = await D.api('/api/search?' + new URLSearchParams({ q: '', sort: 'added', limit: 8 }));
    body.appendChild(list(r.hits || [], (li, h) => {
      li.appendChild(link('#/doc/' + h.id, h.title || ('Document ' + h.id)));
      const meta = [];
      if (h.customer_name || h.customer) meta.push(h.customer_name || h.customer);
      if (h.category) meta.push(h.category);
      if (h.date) meta.push('dated ' + h.date);
      meta.push('filed ' + day(h.added));
      li.appendChild(el('span', 'hm-meta', ' ' + meta.join(' · ')));
      if (h.status && h.status !== 'archived') li.appendChild(stateTag(h.status));
    }, 'Nothing filed yet that you may see.'));
    if (r.total > 8) body.appendChild(link(searchHash('', 'added'), 'All ' + r.total + ', newest first', 'hm-more'));
  }

  // ---- access requests: mine, and those waiting for my decision ----
  async function grants(body, mine) {
    const me = D.me().user;
    const all = await D.api('/api/grants');
    const items = all.filter((g) => (mine ? g.user === me : g.user !== me && g.status === 'requested'));
    body.appendChild(list(items.slice().reverse(), (li, g) => {
      const what = g.customer ? link('#/customer/' + encodeURIComponent(g.customer), 'customer ' + g.customer)
        : link('#/doc/' + g.document, 'document ' + g.document);
      if (!mine) li.appendChild(el('strong', null, g.user + ' '));
      li.appendChild(what);
      li.appendChild(el('span', 'hm-meta', ' for ' + plural(g.days, 'day') + ': ' + g.reason));
      if (mine) {
        li.appendChild(stateTag(g.status));
        if (g.status === 'approved' && g.until) li.appendChild(el('span', 'hm-meta', ' until ' + day(g.until)));
        if (g.decided_by && g.status !== 'requested') li.appendChild(el('span', 'hm-meta', ' by ' + g.decided_by + (g.note ? ' (' + g.note + ')' : '')));
        return;
      }
      const acts = el('span', 'hm-acts');
      for (const [verb, label] of [['approve', 'Approve'], ['refuse', 'Refuse']]) {
        const b = el('button', verb === 'approve' ? 'small' : 'small secondary', label);
        b.type = 'button';
        b.addEventListener('click', async () => {
          acts.querySelectorAll('button').forEach((x) => { x.disabled = true; });
          try {
            const r = await D.api('/api/grants/' + g.id + '/' + verb, { method: 'POST', body: {} });
            acts.replaceChildren(el('span', 'hm-done', r.message));
          } catch (e) {
            acts.appendChild(el('span', 'hm-err', ' ' + e.message));
            acts.querySelectorAll('button').forEach((x) => { x.disabled = false; });
          }
        });
        acts.appendChild(b);
      }
      li.appendChild(acts);
    }, mine ? 'You have asked for no access. Where a document or a dossier is out of your reach, “Request access” asks a manager.'
      : 'No access requests wait for you.'));
  }

  // ---- deletions: mine, waiting for my approval, or all (retention) ----
  async function deletions(body, which) {
    const all = await D.api('/api/deletions');
    const items = all.filter((x) => which === 'mine' ? x.mine : which === 'approve' ? (!x.mine && x.status === 'requested') : true);
    body.appendChild(list(items, (li, x) => {
      li.appendChild(link('#/doc/' + x.document, (x.archive_no ? x.archive_no + ' ' : '') + (x.title || 'document ' + x.document)));
      li.appendChild(el('span', 'hm-meta', ' asked by ' + x.requested_by + ' on ' + day(x.requested_at) + ': ' + x.reason));
      li.appendChild(stateTag(x.status === 'approved' ? 'on hold until ' + day(x.hold_until) : 'waits for approval'));
      if (x.held) li.appendChild(stateTag('legal hold'));
      if (which !== 'approve') return;
      const b = el('button', 'small', 'Approve');
      b.type = 'button';
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          const r = await D.api('/api/documents/' + x.document + '/approve-delete', { method: 'POST', body: {} });
          b.replaceWith(el('span', 'hm-done', r.message));
        } catch (e) { b.disabled = false; li.appendChild(el('span', 'hm-err', ' ' + e.message)); }
      });
      li.appendChild(b);
    }, which === 'mine' ? 'You have asked for no deletions.' : which === 'approve' ? 'No deletion waits for your approval.'
      : 'No deletion is open.'));
  }

  // ---- clerk: batches, review queue, cover sheets ----
  async function batches(body) {
    const items = (await D.api('/api/batches')).slice(0, 8);
    body.appendChild(list(items, (li, b) => {
      li.appendChild(el('strong', null, 'Batch ' + b.id));
      li.appendChild(el('span', 'hm-meta', ' ' + day(b.started) + ' · ' + plural(b.files, 'file') + ', ' +
        plural(b.documents, 'document') + ', ' + plural(b.pages, 'page') + (b.failures ? ', ' + b.failures + ' failed' : '')));
      li.appendChild(stateTag(b.status));
    }, 'No batches yet.'));
    body.appendChild(link('#/review', 'Upload or scan a batch', 'hm-more'));
  }

  async function review(body, h) {
    const items = await D.api('/api/review');
    h.textContent = 'Review queue (' + items.length + ')';
    body.appendChild(list(items.slice(0, 6), (li, it) => {
      li.appendChild(link('#/doc/' + it.id, it.title || ('Document ' + it.id)));
      li.appendChild(el('span', 'hm-meta', ' ' + it.reason));
    }, 'Nothing waits for review.'));
    if (items.length) body.appendChild(link('#/review', 'Work the review queue', 'hm-more'));
  }

  function covers(body) {
    body.appendChild(el('p', null, 'A cover sheet on top of a stack files its pages under an account and a category.'));
    body.appendChild(link('#/review?cover=1', 'Print a cover sheet', 'hm-more'));
  }

  // ---- staff: my customers ----
  async function customers(body, mine) {
    const r = await D.api('/api/customers?' + new URLSearchParams(mine ? { mine: 1, limit: 8 } : { limit: 8 }));
    body.appendChild(list(r.customers, (li, c) => {
      li.appendChild(link('#/customer/' + encodeURIComponent(c.number), c.name));
      li.appendChild(el('span', 'hm-meta', ' ' + c.number + ' · ' + plural(c.documents, 'document') +
        (c.accounts.length ? ' · ' + c.accounts.join(', ') : '')));
    }, mine ? 'You manage no customers yet.' : 'No customers yet.'));
    body.appendChild(link('#/customers' + (mine ? '?mine=1' : ''), r.total > 8 ? 'All ' + r.total
      : mine ? 'All my customers' : 'All customers', 'hm-more'));
  }

  // ---- manager: disposal lists a records manager proposed ----
  async function disposals(body) {
    const me = D.me().user;
    const items = (await D.api('/api/disposals')).filter((x) => x.status === 'proposed' && x.proposed_by !== me);
    body.appendChild(list(items, (li, x) => {
      li.appendChild(link('#/records', 'Disposal list ' + x.id));
      li.appendChild(el('span', 'hm-meta', ' ' + plural(x.documents, 'document') + ' due by ' + x.as_of +
        ', proposed by ' + x.proposed_by + ': ' + x.note));
    }, 'No disposal list waits for you.'));
    if (items.length) body.appendChild(link('#/records', 'Decide on the Retention screen', 'hm-more'));
  }

  // ---- manager: incomplete dossiers ----
  async function incomplete(body, h) {
    const r = await D.api('/api/missing');
    const list2 = r.customers || [];
    h.textContent = 'Incomplete dossiers (' + list2.length + ' of ' + r.checked + ')';
    body.appendChild(list(list2.slice(0, 8), (li, c) => {
      li.appendChild(link('#/customer/' + encodeURIComponent(c.number), c.name || c.number));
      li.appendChild(el('span', 'hm-meta', ' lacks ' + (c.missing || []).map((m) => m.label).join(', ')));
    }, 'Every dossier is complete.'));
  }

  // ---- auditor ----
  async function exportsCard(body) {
    const items = (await D.api('/api/exports')).slice(0, 6);
    body.appendChild(list(items, (li, x) => {
      li.appendChild(el('strong', null, x.name || ('Export ' + x.id)));
      li.appendChild(el('span', 'hm-meta', ' ' + (x.query ? '“' + x.query + '” ' : '') + x.state));
    }, 'No exports of yours in the last day.'));
    body.appendChild(link('#/exports', 'Exports', 'hm-more'));
  }

  async function auditSummary(body) {
    const s = await D.api('/api/audit/summary?days=7');
    body.appendChild(el('p', null, plural(s.entries, 'entry', 'entries') + ' since ' + day(s.since) + ', ' +
      plural(s.refusals, 'refusal') + ' (denials and failed sign-ins).'));
    const top = Object.entries(s.by_action).slice(0, 8);
    const dl = el('dl', 'hm-nums');
    for (const [k, n] of top) {
      const dt = el('dt');
      dt.appendChild(link('#/audit?' + new URLSearchParams({ action: k }), k));
      dl.append(dt, el('dd', null, String(n)));
    }
    body.appendChild(dl);
  }

  // ---- administrator ----
  async function users(body) {
    const list2 = await D.api('/api/users');
    const by = {};
    let off = 0;
    for (const u of list2) { by[u.role] = (by[u.role] || 0) + 1; if (u.disabled) off++; }
    body.appendChild(el('p', null, plural(list2.length, 'user') + (off ? ', ' + off + ' disabled' : '') + ': ' +
      Object.entries(by).map(([r, n]) => n + ' ' + r).join(', ') + '.'));
    body.appendChild(link('#/admin', 'Users and roles', 'hm-more'));
  }
  async function units(body) {
    const list2 = await D.api('/api/units');
    body.appendChild(list(list2, (li, u) => {
      li.appendChild(el('strong', null, u.unit));
      li.appendChild(el('span', 'hm-meta', ' ' + plural(u.customers, 'customer') + ', ' + plural(u.users, 'user') +
        (u.documents !== undefined ? ', ' + plural(u.documents, 'document') : '')));
    }, 'No units named yet.'));
  }
  async function categories(body) {
    const [cats, items] = await Promise.all([D.api('/api/categories'), D.api('/api/checklist')]);
    body.appendChild(el('p', null, plural(cats.length, 'category', 'categories') + ': ' + cats.map((c) => c.code).join(', ') + '.'));
    body.appendChild(el('p', null, plural(items.length, 'checklist item') + ' say what a complete dossier holds.'));
    body.appendChild(link('#/admin', 'Categories and checklists', 'hm-more'));
  }
  async function retention(body) {
    const [dels, holds, rules] = await Promise.all([D.api('/api/deletions'), D.api('/api/holds'),
      D.api('/api/retention/rules')]);
    const hold = dels.filter((x) => x.status === 'approved');
    const due = hold.filter((x) => x.hold_until && new Date(x.hold_until) <= new Date() && !x.held);
    body.appendChild(el('p', null, plural(dels.length - hold.length, 'deletion') + ' waiting for approval, ' +
      hold.length + ' approved and on hold (' + due.length + ' due for purge); ' + plural(holds.length, 'legal hold') + ' in force.'));
    body.appendChild(list(holds.slice(0, 6), (li, h) => {
      li.appendChild(h.customer ? link('#/customer/' + encodeURIComponent(h.customer), (h.customer_name || h.customer))
        : link('#/doc/' + h.document, h.archive_no || ('document ' + h.document)));
      li.appendChild(el('span', 'hm-meta', ' held by ' + h.placed_by + ' since ' + day(h.placed_at) + ': ' + h.reason));
    }, 'No legal holds.'));
    body.appendChild(list(hold.slice(0, 6), (li, x) => {
      li.appendChild(link('#/doc/' + x.document, (x.archive_no ? x.archive_no + ' ' : '') + (x.title || '')));
      li.appendChild(el('span', 'hm-meta', ' deletion approved by ' + x.approved_by + ', on hold until ' + day(x.hold_until)));
      if (x.held) li.appendChild(stateTag('legal hold'));
    }, 'No deletion is on hold.'));
    body.appendChild(el('p', null, rules.length ? plural(rules.length, 'retention rule') + ' in the schedule (' +
      rules.slice(0, 4).map((r) => r.category + (r.doc_type ? '/' + r.doc_type : '') + ' ' + r.retain).join(', ') +
      (rules.length > 4 ? ', …' : '') + ').' : 'No retention rules are declared: nothing falls due.'));
    body.appendChild(link('#/admin', 'Retention schedule', 'hm-more'));
  }

  const ROLE_LINES = {
    clerk: 'Scan and upload batches, work the review queue, print cover sheets.',
    staff: 'Your customers’ dossiers, what was filed lately, your requests.',
    manager: 'Approvals waiting for you and the state of your unit’s dossiers.',
    auditor: 'Exports and the audit log.',
    admin: 'Users, units, categories, checklists and retention. Your role sees no document content.',
  };

  D.screen('home', {
    title: 'home',
    render: async (view) => {
      const me = D.me();
      const head = el('div', 'hm-head');
      const h = el('h2', null, 'Welcome, ' + me.user);
      h.tabIndex = -1;
      head.append(h, el('p', 'hm-role', (ROLE_LINES[me.role] || 'Your role: ' + me.role + '.') +
        (me.unit ? ' Unit: ' + me.unit + '.' : '')));
      if (D.may('search')) {
        const f = el('form', 'hm-search');
        f.setAttribute('role', 'search');
        const lab = el('label', 'hm-sr', 'Search documents');
        lab.htmlFor = 'home-q';
        const i = el('input');
        Object.assign(i, { id: 'home-q', type: 'search', autocomplete: 'off' });
        i.placeholder = 'words, account:ACC-…, customer:…, category:…, date:2024';
        const b = el('button', null, 'Search');
        b.type = 'submit';
        f.append(lab, i, b);
        f.addEventListener('submit', (e) => { e.preventDefault(); D.go(searchHash(i.value.trim())); });
        head.appendChild(f);
      }
      view.appendChild(head);
      const grid = el('div', 'hm-grid');
      view.appendChild(grid);
      const may = D.may;
      if (may('ingest')) card(grid, 'batches', 'My batches', batches);
      if (may('review')) card(grid, 'review', 'Review queue', review);
      if (may('approve')) {
        card(grid, 'approve-grants', 'Access requests waiting for you', (b) => grants(b, false));
        card(grid, 'approve-deletions', 'Deletions waiting for your approval', (b) => deletions(b, 'approve'));
        if (may('report')) card(grid, 'approve-disposals', 'Disposal lists waiting for you', disposals);
      }
      if (may('report') && may('approve')) card(grid, 'incomplete', 'Incomplete dossiers', incomplete);
      if (may('view') && !may('ingest') && !may('audit_read'))
        card(grid, 'customers', me.role === 'staff' ? 'My customers' : 'Customers', (b) => customers(b, me.role === 'staff'));
      if (may('audit_read')) card(grid, 'audit', 'Audit log, last 7 days', auditSummary);
      if (may('export')) card(grid, 'exports', 'Recent exports', exportsCard);
      if (may('search')) {
        card(grid, 'saved', 'Saved searches', saved);
        card(grid, 'recent', 'Recently filed', recent);
      }
      if (may('ingest')) card(grid, 'covers', 'Cover sheets', covers);
      if (may('delete_request')) card(grid, 'my-deletions', 'My deletion requests', (b) => deletions(b, 'mine'));
      if (may('view')) card(grid, 'my-grants', 'My access requests', (b) => grants(b, true));
      if (may('admin')) {
        card(grid, 'users', 'Users', users);
        card(grid, 'units', 'Units', units);
        card(grid, 'categories', 'Categories and checklists', categories);
        card(grid, 'retention', 'Retention', retention);
      }
      h.focus({ preventScroll: true });
    },
  });
})();
