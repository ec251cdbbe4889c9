// dossier customer dossier (#/customer/NUMBER-OR-ACCOUNT): the customer's
// details and accounts, the completeness checklist (what is missing, which
// months, what waits in review), and the documents grouped by category on
// a timeline, newest first, each linked to the viewer.  Text from the
// archive goes in through textContent only.
'use strict';
(function () {
  const { el } = D;
  const LIMIT = 100;

  function link(href, text, cls) {
    const a = el('a', cls, text);
    a.href = href;
    return a;
  }

  function searchHash(q) { return '#/search?' + new URLSearchParams({ q }); }

  // field:value for the query language, quoted when it holds spaces.
  function term(field, value) {
    return field + ':' + (/[\s"]/.test(value) ? '"' + String(value).replace(/"/g, '') + '"' : value);
  }

  function when(ts) {
    const d = new Date(ts);
    if (!ts || isNaN(d)) return ts || '';
    const z = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + z(d.getMonth() + 1) + '-' + z(d.getDate());
  }

  // "2026-05" -> "May 2026" in the browser's language.
  function monthName(ym) {
    const m = /^(\d{4})-(\d{2})$/.exec(ym || '');
    if (!m) return ym;
    return new Date(+m[1], +m[2] - 1, 1).toLocaleString(undefined, { month: 'short', year: 'numeric' });
  }

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }

  function card(title, cls) {
    const s = el('section', 'cd-card' + (cls ? ' ' + cls : ''));
    s.appendChild(el('h3', null, title));
    return s;
  }

  function openError(e, key) {
    if (e.status === 403)
      return 'You may not open this customer’s dossier: ' + e.message.replace(/[.\s]+$/, '') + '.';
    if (e.status === 404) return 'No such customer: nobody has the customer or account number “' + key + '”.';
    if (e.status === 0) return e.message;
    return 'The dossier could not be opened: ' + e.message;
  }

  function details(c) {
    const s = card('Customer details', 'cd-details');
    const dl = el('dl', 'cd-meta');
    const row = (label, value, always) => {
      if (!always && (value === null || value === undefined || value === '')) return;
      dl.appendChild(el('dt', null, label));
      const dd = el('dd');
      if (value instanceof Node) dd.appendChild(value);
      else if (value === null || value === undefined || value === '') { dd.textContent = '—'; dd.className = 'cd-none'; }
      else dd.textContent = String(value);
      dl.appendChild(dd);
    };
    row('Customer number', c.number, true);
    row('Type', c.type, true);
    row('Unit', c.unit, true);
    row('Relationship manager', c.manager, true);
    row('Address', c.address, true);
    row('Phone', c.phone, true);
    row('Legal representative', c.legal_rep, c.type === 'corporate');
    row('Credit rating', c.credit_rating, true);
    row('Notes', c.notes);
    row('In the archive since', c.created ? when(c.created) : null);
    s.appendChild(dl);

    const accs = Array.isArray(c.accounts) ? c.accounts : [];
    s.appendChild(el('h4', null, accs.length === 1 ? 'Account' : 'Accounts (' + accs.length + ')'));
    if (!accs.length) s.appendChild(el('p', 'cd-none', 'No accounts are linked to this customer.'));
    else {
      const ul = el('ul', 'cd-accounts');
      for (const a of accs) {
        const li = el('li');
        const l = link(searchHash(term('account', a)), a);
        l.title = 'Documents of account ' + a;
        li.appendChild(l);
        ul.appendChild(li);
      }
      s.appendChild(ul);
    }
    return s;
  }

  // The checklist card, filled from GET /api/customers/KEY/missing.
  async function checklist(s, key, number) {
    const st = D.status('Checking what the dossier holds…');
    s.appendChild(st);
    let res;
    try {
      res = await D.api('/api/customers/' + encodeURIComponent(key) + '/missing');
    } catch (e) {
      if (e.status === 401) return;
      st.textContent = 'The checklist could not be checked: ' + e.message;
      st.className = 'status error';
      return;
    }
    const list = res && Array.isArray(res.customers) ? res.customers : [];
    const me = list.find((x) => x.number === number) || list[0];
    if (!me) { st.textContent = 'No checklist applies to this customer.'; return; }
    const missing = Array.isArray(me.missing) ? me.missing : [];
    const req = me.required || 0;
    if (res.as_of) s.querySelector('h3').appendChild(el('span', 'cd-asof', ' as of ' + res.as_of));
    if (!missing.length) {
      st.replaceWith(el('p', 'cd-complete', req
        ? '✓ Complete: all ' + plural(req, 'required item') + ' are filed.'
        : '✓ Complete: no checklist items apply to this customer.'));
      return;
    }
    st.replaceWith(el('p', 'cd-incomplete', plural(missing.length, 'item') + ' of ' + req + ' required ' + (missing.length === 1 ? 'is' : 'are') + ' missing or incomplete:'));
    const ul = el('ul', 'cd-missing');
    for (const m of missing) {
      const li = el('li');
      li.appendChild(el('strong', null, m.label || m.doc_type || m.category || 'item'));
      const kind = [m.category, m.doc_type].filter(Boolean).join(' / ');
      if (kind) li.appendChild(el('span', 'cd-kind', ' (' + kind + ')'));
      const months = Array.isArray(m.months) ? m.months : [];
      const have = m.have || 0, need = m.need || 1;
      let state;
      if (months.length) state = 'Months with nothing filed (' + months.length + '):';
      else if (!have) state = 'None filed' + (need > 1 ? ' (' + need + ' needed)' : '') + '.';
      else state = have + ' of ' + need + ' filed.';
      li.appendChild(el('div', 'cd-state', state));
      if (months.length) {
        const mu = el('ul', 'cd-months');
        for (const ym of months) {
          const mi = el('li');
          const t = el('time', null, monthName(ym));
          t.setAttribute('datetime', ym);
          mi.appendChild(t);
          mu.appendChild(mi);
        }
        li.appendChild(mu);
      }
      if (m.in_review) {
        const r = el('div', 'cd-review');
        r.appendChild(el('strong', null, 'In review: '));
        r.appendChild(document.createTextNode(plural(m.in_review, 'document') + ' waiting (not counted until accepted)'));
        if (D.may('review')) {
          r.appendChild(document.createTextNode(' · '));
          r.appendChild(link('#/review', 'open the review queue'));
        }
        li.appendChild(r);
      }
      ul.appendChild(li);
    }
    s.appendChild(ul);
  }

  function docDate(h) { return h.date || (h.added ? when(h.added) : ''); }

  function entry(h) {
    const li = el('li', 'cd-doc');
    const t = el('time', 'cd-date', h.date || (h.added ? when(h.added) : '—'));
    if (h.date) t.setAttribute('datetime', h.date);
    else if (h.added) {
      t.setAttribute('datetime', when(h.added));
      t.classList.add('cd-added');
      t.title = 'The document has no date; this is when it was added';
    }
    const thumb = el('img', 'cd-thumb');
    thumb.alt = '';
    thumb.loading = 'lazy';
    thumb.src = '/api/documents/' + encodeURIComponent(h.id) + '/pages/1/thumb';
    const body = el('div', 'cd-docbody');
    const a = link('#/doc/' + encodeURIComponent(h.id), h.title || ('Document ' + h.id), 'cd-doctitle');
    body.appendChild(a);
    const meta = [];
    if (h.doc_type) meta.push(h.doc_type);
    if (h.account) meta.push('account ' + h.account);
    if (h.archive_no) meta.push('no. ' + h.archive_no);
    if (h.npages) meta.push(plural(h.npages, 'page'));
    body.appendChild(el('div', 'cd-docmeta', meta.join(' · ')));
    if (h.status && h.status !== 'archived') body.appendChild(el('span', 'cd-flag', h.status));
    li.append(t, thumb, body);
    return li;
  }

  // The documents by category, each a timeline, newest first, with a
  // year heading where the year changes.
  async function timeline(s, c) {
    const st = D.status('Loading the documents…');
    s.appendChild(st);
    const q = term('customer', c.number);
    let res;
    try {
      res = await D.api('/api/search?' + new URLSearchParams({ q, sort: 'date', limit: LIMIT }));
    } catch (e) {
      if (e.status === 401) return;
      st.textContent = 'The documents could not be listed: ' + e.message;
      st.className = 'status error';
      return;
    }
    const hits = res && Array.isArray(res.hits) ? res.hits : [];
    const total = res && typeof res.total === 'number' ? res.total : hits.length;
    if (!hits.length) { st.textContent = 'No documents are filed for this customer (or none you may see).'; return; }
    st.textContent = total > hits.length
      ? 'Showing the ' + hits.length + ' newest of ' + total + ' documents. '
      : plural(total, 'document') + ', newest first.';
    if (total > hits.length) st.appendChild(link(searchHash(q), 'Search all of them'));
    s.querySelector('h3').textContent = 'Documents (' + total + ')';

    const byCat = new Map();
    const counts = c.categories && typeof c.categories === 'object' ? c.categories : {};
    // Categories in the server's order; the unclassified last.
    for (const k of Object.keys(counts)) if (k !== '(none)') byCat.set(k, []);
    if (counts['(none)'] || hits.some((h) => !h.category)) byCat.set('(none)', []);
    for (const h of hits) {
      const k = h.category || '(none)';
      if (!byCat.has(k)) byCat.set(k, []);
      byCat.get(k).push(h);
    }
    const lanes = el('div', 'cd-lanes');
    for (const [cat, docs] of byCat) {
      const lane = el('section', 'cd-lane');
      const n = counts[cat];
      const head = el('h4', null, cat === '(none)' ? 'Not classified' : cat);
      lane.appendChild(head);
      if (n) lane.appendChild(el('p', 'cd-lanecount', plural(n.documents, 'document') + ', ' + plural(n.pages, 'page')));
      if (!docs.length) {
        lane.appendChild(el('p', 'cd-none', 'None among the newest ' + hits.length + '.'));
      } else {
        // Dated documents first, newest first; then the undated ones.
        docs.sort((a, b) => (!!b.date - !!a.date) || docDate(b).localeCompare(docDate(a)) || (b.id - a.id));
        const ol = el('ol', 'cd-tl');
        let year = null;
        for (const h of docs) {
          const y = (h.date || '').slice(0, 4) || 'Undated · by day added';
          if (y !== year) { ol.appendChild(el('li', 'cd-year', y)); year = y; }
          ol.appendChild(entry(h));
        }
        lane.appendChild(ol);
      }
      if (n && n.documents > docs.length && cat !== '(none)')
        lane.appendChild(link(searchHash(q + ' ' + term('category', cat)), 'All ' + n.documents + ' in ' + cat, 'cd-more'));
      lanes.appendChild(lane);
    }
    s.appendChild(lanes);
  }

  D.screen('customer', {
    title: 'customer dossier',
    render: async (view, r) => {
      const key = (r.args[0] || '').trim();
      const root = el('div', 'cd');
      view.appendChild(root);
      if (!key) { root.appendChild(D.status('No customer given: open a dossier from a document or a search result.', true)); return; }
      const st = D.status('Opening the dossier of ' + key + '…');
      root.appendChild(st);
      let c;
      try {
        c = await D.api('/api/customers/' + encodeURIComponent(key));
      } catch (e) {
        if (e.status === 401) return;
        st.replaceWith(D.status(openError(e, key), true));
        if (e.status === 403 && D.accessRequest)
          root.appendChild(D.accessRequest('customer', key, 'the dossier of customer ' + key));
        return;
      }
      if (!root.isConnected) return;
      document.title = 'dossier: ' + (c.name || c.number);

      const head = el('div', 'cd-head');
      const h = el('h2', null, c.name || c.number);
      h.tabIndex = -1;
      const sub = el('p', 'cd-sub');
      const parts = ['Customer ' + c.number];
      if (c.type) parts.push(c.type);
      if (c.unit) parts.push(c.unit);
      if (key !== c.number) parts.push('found by account ' + key);
      sub.textContent = parts.join(' · ');
      const hl = el('div', 'cd-headtext');
      hl.append(h, sub);
      head.append(hl, link(searchHash(term('customer', c.number)), 'Search this customer’s documents', 'cd-searchlink'));
      st.replaceWith(head);

      const grid = el('div', 'cd-grid');
      const check = card('Completeness', 'cd-check');
      const det = details(c);
      if (D.may('edit') && D.linkAccount)
        det.appendChild(D.linkAccount(c.number, () => D.go(location.hash)));
      grid.append(det, check);
      const docs = card('Documents', 'cd-docs');
      root.append(grid, docs);
      if (D.may('export') && D.exportPanel)
        root.appendChild(D.exportPanel({ customers: [c.number] }, 'this customer\u2019s dossier'));
      h.focus({ preventScroll: true });
      await Promise.all([checklist(check, key, c.number), timeline(docs, c)]);
    },
  });
})();
