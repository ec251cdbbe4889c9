// dossier customers (#/customers?q=...&mine=1): the customers one may
// see, found by part of a number, name or account, each linked to its
// dossier; for those who may edit, a form that adds a customer with its
// accounts (linking an account later is on the dossier's screen, see
// D.linkAccount).  Text from the archive goes in through textContent.
'use strict';
(function () {
  const { el } = D;
  const PAGE = 50;

  function link(href, text) {
    const a = el('a', null, text);
    a.href = href;
    return a;
  }

  function field(label, id, attrs) {
    const w = el('div', 'field');
    const l = el('label', null, label);
    l.htmlFor = id;
    const i = el('input');
    Object.assign(i, { id }, attrs || {});
    w.append(l, i);
    return [w, i];
  }

  function hash(q, mine, offset) {
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    if (mine) p.set('mine', '1');
    if (offset) p.set('offset', String(offset));
    const s = p.toString();
    return '#/customers' + (s ? '?' + s : '');
  }

  // Accounts typed with commas, blanks or new lines between them.
  function accountList(s) { return s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean); }

  // Adds an account to a customer: a small form for the dossier screen.
  D.linkAccount = function (number, onDone) {
    const f = el('form', 'cu-link');
    const [w, i] = field('Link another account', 'cu-link-acc', { placeholder: 'e.g. ACC-2024-000123', required: true });
    const b = el('button', 'secondary', 'Link account');
    b.type = 'submit';
    const st = D.status('');
    f.append(w, b, st);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!i.value.trim()) return;
      b.disabled = true;
      try {
        const r = await D.api('/api/customers/' + encodeURIComponent(number) + '/accounts', { method: 'POST', body: { account: i.value.trim() } });
        st.className = 'status'; st.textContent = r.message + '.';
        i.value = '';
        if (onDone) onDone();
      } catch (err) {
        if (err.status === 401) return;
        st.className = 'status error'; st.setAttribute('role', 'alert'); st.textContent = err.message;
      }
      b.disabled = false;
    });
    return f;
  };

  function addForm(units) {
    const box = el('details', 'cu-add');
    box.appendChild(el('summary', null, 'Add a customer'));
    const f = el('form', 'cu-form');
    const me = D.me();
    const [wn, num] = field('Customer number', 'cu-number', { required: true, maxLength: 64, placeholder: 'e.g. C-0042' });
    const [wm, name] = field('Name', 'cu-name', { required: true, maxLength: 200 });
    const [wt, type] = field('Type', 'cu-type', { required: true, value: 'individual' });
    const types = el('datalist');
    types.id = 'cu-types';
    for (const t of ['individual', 'corporate']) { const o = el('option'); o.value = t; types.appendChild(o); }
    type.setAttribute('list', 'cu-types');
    const [wu, unit] = field('Unit', 'cu-unit', { value: me.unit || '' });
    const ul = el('datalist');
    ul.id = 'cu-units';
    for (const u of units) { const o = el('option'); o.value = u; ul.appendChild(o); }
    unit.setAttribute('list', 'cu-units');
    // Staff see the customers they manage: they manage the ones they add.
    const [wg, manager] = field('Account manager (user)', 'cu-manager', { value: me.role === 'staff' ? me.user : '' });
    const [wa, accs] = field('Accounts', 'cu-accounts', { placeholder: 'ACC-2024-000123, ACC-2024-000124' });
    const b = el('button', null, 'Add customer');
    b.type = 'submit';
    const st = D.status('');
    f.append(wn, wm, wt, types, wu, ul, wg, wa, b);
    box.append(f, st);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      b.disabled = true;
      const body = { number: num.value.trim(), name: name.value.trim(), type: type.value.trim(), accounts: accountList(accs.value) };
      if (unit.value.trim()) body.unit = unit.value.trim();
      if (manager.value.trim()) body.manager = manager.value.trim();
      try {
        const r = await D.api('/api/customers', { method: 'POST', body });
        st.className = 'status';
        st.textContent = r.message + '. ';
        st.appendChild(link('#/customer/' + encodeURIComponent(r.number), 'Open the dossier'));
        f.reset();
        unit.value = me.unit || '';
        manager.value = me.role === 'staff' ? me.user : '';
      } catch (err) {
        if (err.status === 401) return;
        st.className = 'status error'; st.setAttribute('role', 'alert');
        st.textContent = 'The customer was not added: ' + err.message;
      }
      b.disabled = false;
    });
    return box;
  }

  D.screen('customers', {
    title: 'customers',
    render: async (view, r) => {
      const q = (r.params.get('q') || '').trim();
      const mine = r.params.get('mine') === '1';
      const offset = Math.max(0, parseInt(r.params.get('offset') || '0', 10) || 0);
      view.appendChild(el('h2', null, 'Customers'));
      const f = el('form', 'cu-search');
      f.setAttribute('role', 'search');
      const [w, i] = field('Find a customer by number, name or account', 'cu-q', { type: 'search', value: q, autocomplete: 'off' });
      const mw = el('label', 'cu-mine');
      const mc = el('input');
      Object.assign(mc, { type: 'checkbox', checked: mine, id: 'cu-mine' });
      mw.append(mc, document.createTextNode(' only those I manage'));
      const b = el('button', null, 'Find');
      b.type = 'submit';
      f.append(w, mw, b);
      f.addEventListener('submit', (e) => { e.preventDefault(); D.go(hash(i.value.trim(), mc.checked, 0)); });
      view.appendChild(f);
      if (D.may('edit')) {
        let units = [];
        try { units = (await D.api('/api/units')).map((u) => u.unit); } catch (e) { units = []; }
        view.appendChild(addForm(units));
      }
      const st = D.status('Loading the customers…');
      view.appendChild(st);
      const res = await D.api('/api/customers?' + new URLSearchParams({ q, mine: mine ? 1 : 0, limit: PAGE, offset }));
      if (!res.total) {
        st.textContent = q ? 'No customer you may see matches “' + q + '”.' : 'No customers you may see yet.';
        return;
      }
      st.textContent = res.total + ' customer' + (res.total === 1 ? '' : 's') + (q ? ' match “' + q + '”' : '') +
        '; showing ' + (offset + 1) + '–' + (offset + res.customers.length) + '.';
      const t = el('table', 'cu-table');
      const hr = t.createTHead().insertRow();
      for (const h of ['Name', 'Number', 'Type', 'Unit', 'Manager', 'Accounts', 'Documents']) {
        const th = el('th', null, h);
        th.scope = 'col';
        hr.appendChild(th);
      }
      const tb = t.createTBody();
      for (const c of res.customers) {
        const row = tb.insertRow();
        row.insertCell().appendChild(link('#/customer/' + encodeURIComponent(c.number), c.name));
        row.insertCell().textContent = c.number;
        row.insertCell().textContent = c.type;
        row.insertCell().textContent = c.unit || '—';
        row.insertCell().textContent = c.manager || '—';
        const ac = row.insertCell();
        c.accounts.forEach((a, k) => {
          if (k) ac.appendChild(document.createTextNode(', '));
          ac.appendChild(link('#/search?' + new URLSearchParams({ q: 'account:' + a }), a));
        });
        const dc = row.insertCell();
        dc.className = 'num';
        dc.textContent = String(c.documents);
      }
      view.appendChild(t);
      if (res.total > PAGE) {
        const nav = el('nav', 'pager');
        nav.setAttribute('aria-label', 'Customer pages');
        if (offset > 0) nav.appendChild(link(hash(q, mine, Math.max(0, offset - PAGE)), 'Previous'));
        if (offset + PAGE < res.total) nav.appendChild(link(hash(q, mine, offset + PAGE), 'Next'));
        view.appendChild(nav);
      }
    },
  });
})();
