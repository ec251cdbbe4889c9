// dossier search screen (#/search?q=...&offset=N): one box for the query
// language, filters that edit the query, facets, results with thumbnails
// and marked snippets, paging.  The query stays in the address.
'use strict';
(function () {
  const PAGE = 20;
  const { el } = D;

  // Removes field:value terms of one field from a query; adds one.
  function withField(q, field, value) {
    const re = new RegExp('(^|\\s)' + field + ':("[^"]*"|\\S+)', 'g');
    let out = q.replace(re, ' ').replace(/\s+/g, ' ').trim();
    if (value) out = (out ? out + ' ' : '') + field + ':' + (/\s/.test(value) ? '"' + value + '"' : value);
    return out;
  }

  function fieldValue(q, field) {
    const m = q.match(new RegExp('(?:^|\\s)' + field + ':("([^"]*)"|(\\S+))'));
    return m ? (m[2] !== undefined ? m[2] : m[3]) : '';
  }

  function link(hash, text) {
    const a = el('a', null, text);
    a.href = hash;
    return a;
  }

  let sortNow = '';
  function searchHash(q, offset) {
    const p = new URLSearchParams({ q });
    if (offset) p.set('offset', offset);
    if (sortNow) p.set('sort', sortNow);
    return '#/search?' + p;
  }

  // Keeps the query under a name for the landing screen.
  function saveForm(q) {
    const f = el('form', 'sv-save');
    const w = el('div', 'field');
    const l = el('label', null, 'Save this search as');
    l.htmlFor = 'sv-name';
    const i = el('input');
    Object.assign(i, { id: 'sv-name', maxLength: 80, required: true, value: q.length <= 40 ? q : '' });
    w.append(l, i);
    const b = el('button', 'secondary', 'Save this search');
    b.type = 'submit';
    const st = D.status('');
    f.append(w, b, st);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!i.value.trim()) { i.focus(); return; }
      b.disabled = true;
      try {
        const r = await D.api('/api/saved-searches', { method: 'POST', body: { name: i.value.trim(), query: q } });
        st.className = 'status'; st.textContent = r.message.charAt(0).toUpperCase() + r.message.slice(1) + '; it is on your home screen.';
      } catch (err) {
        if (err.status === 401) return;
        st.className = 'status error'; st.textContent = err.message;
        b.disabled = false;
      }
    });
    return f;
  }

  function form(q) {
    const f = el('form', 'searchform');
    f.setAttribute('role', 'search');
    const lab = el('label', null, 'Search documents');
    lab.htmlFor = 'q';
    const row = el('div', 'row');
    const input = el('input');
    Object.assign(input, { id: 'q', type: 'search', value: q, autocomplete: 'off' });
    input.placeholder = 'words, "a phrase", account:ACC-2024-000101, category:CONTRACT, date:2024';
    const btn = el('button', null, 'Search');
    btn.type = 'submit';
    row.append(input, btn);
    // Filters edit the query text, so what runs is always what is shown.
    const filters = el('fieldset', 'filters');
    filters.appendChild(el('legend', null, 'Filters'));
    const defs = [['category', 'Category', 'e.g. CREDIT'], ['type', 'Type', 'e.g. loan_contract'],
      ['unit', 'Unit', 'e.g. head office'], ['date', 'Date', 'e.g. 2024 or 2024-01-01..2024-06-30']];
    const inputs = {};
    for (const [field, label, hint] of defs) {
      const w = el('span', 'filter');
      const l = el('label', null, label);
      l.htmlFor = 'f-' + field;
      const i = el('input');
      Object.assign(i, { id: 'f-' + field, value: fieldValue(q, field), placeholder: hint });
      inputs[field] = i;
      w.append(l, i);
      filters.appendChild(w);
    }
    f.append(lab, row, filters);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      let text = input.value;
      for (const field of Object.keys(inputs)) {
        const v = inputs[field].value.trim();
        if (v !== fieldValue(text, field)) text = withField(text, field, v);
      }
      D.go(searchHash(text.trim(), 0));
    });
    setTimeout(() => input.focus(), 0);
    return f;
  }

  function facets(q, f) {
    const box = el('aside', 'facets');
    box.setAttribute('aria-label', 'Narrow the results');
    const names = { category: 'Category', type: 'Type', unit: 'Unit', year: 'Year' };
    const fields = { category: 'category', type: 'type', unit: 'unit', year: 'date' };
    for (const k of Object.keys(names)) {
      const counts = f[k];
      if (!counts || !Object.keys(counts).length) continue;
      box.appendChild(el('h3', null, names[k]));
      const ul = el('ul');
      for (const [v, n] of Object.entries(counts)) {
        const li = el('li');
        if (v.startsWith('(')) li.appendChild(el('span', null, v));
        else li.appendChild(link(searchHash(withField(q, fields[k], v), 0), v));
        li.appendChild(el('span', 'count', ' ' + n));
        ul.appendChild(li);
      }
      box.appendChild(ul);
    }
    return box;
  }

  function hit(h, q) {
    const li = el('li', 'hit');
    const thumb = el('img', 'thumb');
    thumb.alt = '';
    thumb.loading = 'lazy';
    thumb.src = '/api/documents/' + h.id + '/pages/' + ((h.pages && h.pages.length) ? h.pages[0].seq : 1) + '/thumb';
    const body = el('div', 'hitbody');
    const title = link('#/doc/' + h.id + '?' + new URLSearchParams({ q }), h.title || ('Document ' + h.id));
    body.appendChild(el('strong')).appendChild(title);
    const meta = el('div', 'meta');
    const parts = [];
    if (h.archive_no) parts.push('archive no. ' + h.archive_no);
    if (h.customer) parts.push(null);
    if (h.account) parts.push('account ' + h.account);
    if (h.category) parts.push(h.category + (h.doc_type ? ' / ' + h.doc_type : ''));
    if (h.date) parts.push('dated ' + h.date);
    if (h.pages && h.pages.length) parts.push('page' + (h.pages.length > 1 ? 's ' : ' ') + h.pages.map(p => p.seq).join(', '));
    if (h.status && h.status !== 'archived') parts.push(h.status);
    parts.forEach((p, i) => {
      if (i) meta.appendChild(document.createTextNode(' · '));
      if (p === null) meta.appendChild(link('#/customer/' + encodeURIComponent(h.customer), (h.customer_name || h.customer)));
      else meta.appendChild(document.createTextNode(p));
    });
    body.appendChild(meta);
    if (h.snippet) body.appendChild(D.marked(h.snippet));
    li.append(thumb, body);
    return li;
  }

  D.screen('search', {
    title: 'search',
    render: async (view, r) => {
      const q = r.params.get('q') || '';
      const offset = Math.max(0, parseInt(r.params.get('offset') || '0', 10) || 0);
      sortNow = r.params.get('sort') || '';
      // A bookmark can bring a role that does not search here.
      if (!D.may('search')) {
        const p = D.status('Your role (' + D.me().role + ') does not search documents. ');
        const a = el('a', null, 'Your work is on the home screen.');
        a.href = '#/home';
        p.appendChild(a);
        view.appendChild(p);
        return;
      }
      view.appendChild(form(q));
      const listAll = !q.trim() && sortNow;
      const st = D.status(q.trim() || listAll ? 'Searching…' : 'Type words, an account, a customer or an archive number.');
      view.appendChild(st);
      if (!q.trim() && !listAll) return;
      let body;
      try {
        const p = new URLSearchParams({ q, offset, limit: PAGE, facets: 1 });
        if (sortNow) p.set('sort', sortNow);
        body = await D.api('/api/search?' + p);
      } catch (e) {
        if (e.status === 401) return;
        st.className = 'status error';
        st.setAttribute('role', 'alert');
        st.textContent = e.status === 400 ? 'The query cannot be run: ' + e.message : 'Search failed: ' + e.message;
        return;
      }
      if (body.total === 0) {
        st.textContent = 'No documents match “' + q + '”.';
        if (q.trim()) view.appendChild(saveForm(q.trim()));
        return;
      }
      const last = Math.min(offset + body.hits.length, body.total);
      const many = body.total_exact === false;
      st.textContent = (many ? 'At least ' : '') + body.total + ' document' + (body.total === 1 && !many ? '' : 's') +
        ' found' + (many ? ' (ranked among the ' + body.ranked_among_newest + ' newest; add a field or date to narrow it)' : '') +
        '; showing ' + (offset + 1) + '–' + last + '.';
      if (q.trim()) view.appendChild(saveForm(q.trim()));
      const cols = el('div', 'results');
      const list = el('ol', 'hits');
      list.start = offset + 1;
      for (const h of body.hits) list.appendChild(hit(h, q));
      cols.append(list, facets(q, body.facets || {}));
      view.appendChild(cols);
      if (D.may('export') && D.exportPanel)
        view.appendChild(D.exportPanel({ query: q }, 'every document this search finds (' + (many ? 'at least ' : '') + body.total + ')'));
      if (body.total > PAGE) {
        const nav = el('nav', 'pager');
        nav.setAttribute('aria-label', 'Result pages');
        if (offset > 0) nav.appendChild(link(searchHash(q, Math.max(0, offset - PAGE)), 'Previous'));
        if (last < body.total) nav.appendChild(link(searchHash(q, offset + PAGE), 'Next'));
        view.appendChild(nav);
      }
    },
  });
})();
