// The administration screen, #/admin: the users (with a form to add one),
// the roles, and the dossier checklist.  Roles, units, categories and the
// checklist are read-only here: the API cannot change them yet, so the
// page says to use the dossier command.  Text from the server goes in as
// text.
'use strict';
(function () {
  const D = window.D;
  const CLEARANCES = ['public', 'internal', 'confidential', 'secret'];
  const SCOPES = {
    own: 'their own documents', unit: 'their unit', all: 'every document',
    batches: 'batches they scanned', none: 'no documents'
  };

  function table(caption, heads, rows, cls) {
    const wrap = D.el('div', 'rp-tablewrap');
    const t = D.el('table', 'rp-table' + (cls ? ' ' + cls : ''));
    t.appendChild(D.el('caption', 'rp-sr', caption));
    const thead = D.el('thead');
    const hr = D.el('tr');
    for (const h of heads) {
      const th = D.el('th', h.num ? 'rp-num' : null, h.label);
      th.scope = 'col';
      hr.appendChild(th);
    }
    thead.appendChild(hr);
    const tbody = D.el('tbody');
    for (const r of rows) tbody.appendChild(r);
    t.append(thead, tbody);
    wrap.appendChild(t);
    return wrap;
  }

  // A row: the first cell is a row header; a cell is text or a node.
  function tr(cells, opts) {
    const row = D.el('tr');
    cells.forEach((c, i) => {
      let cell;
      if (i === 0) { cell = D.el('th'); cell.scope = 'row'; } else cell = D.el('td');
      if (c instanceof Node) cell.appendChild(c);
      else cell.textContent = c === null || c === undefined ? '' : String(c);
      if (opts && opts.num && opts.num.indexOf(i) >= 0) cell.className = 'rp-num';
      row.appendChild(cell);
    });
    return row;
  }

  function muted(text) { return D.el('span', 'rp-muted', text); }

  function section(id, title) {
    const sec = D.el('section', 'rp-section');
    sec.setAttribute('aria-labelledby', id);
    const h = D.el('h3', null, title);
    h.id = id;
    sec.appendChild(h);
    return sec;
  }

  function plainError(e, what) {
    if (e.status === 403) return 'Your role may not see ' + what + '.';
    return what.charAt(0).toUpperCase() + what.slice(1) + ' could not be loaded: ' + e.message;
  }

  function usersTable(users, highlight) {
    const rows = users.map((u) => {
      const r = tr([u.name, u.role, u.unit || muted('none'), u.clearance || '',
        u.categories ? String(u.categories).split(',').join(', ') : muted('all'),
        String(u.created || '').slice(0, 10),
        u.disabled ? D.el('span', 'rp-badge rp-off', 'disabled') : 'active']);
      if (u.name === highlight) r.className = 'rp-new';
      return r;
    });
    return table('Users', [{ label: 'Name' }, { label: 'Role' }, { label: 'Unit' },
      { label: 'Clearance' }, { label: 'Categories' }, { label: 'Created' }, { label: 'Status' }],
    rows, 'rp-users');
  }

  function field(id, label, control, hint) {
    const box = D.el('div', 'rp-field');
    const l = D.el('label', null, label);
    l.htmlFor = id;
    control.id = id;
    box.append(l, control);
    if (hint) {
      const h = D.el('span', 'rp-hint', hint);
      h.id = id + '-hint';
      control.setAttribute('aria-describedby', h.id);
      box.appendChild(h);
    }
    return box;
  }

  function addUserForm(roles, onAdded) {
    const form = D.el('form', 'rp-filters rp-adduser');
    form.noValidate = true; // our messages, in words, instead of the browser's
    form.setAttribute('aria-labelledby', 'admin-add');
    const h = D.el('h4', null, 'Add a user');
    h.id = 'admin-add';
    form.appendChild(h);

    const name = D.el('input');
    name.name = 'name'; name.required = true; name.autocomplete = 'off';
    name.maxLength = 64; name.pattern = '[A-Za-z0-9._@\\-]+';
    const pw = D.el('input');
    pw.type = 'password'; pw.name = 'password'; pw.required = true;
    pw.minLength = 8; pw.autocomplete = 'new-password';
    const role = D.el('select');
    role.name = 'role'; role.required = true;
    const pick = D.el('option', null, 'Choose a role');
    pick.value = '';
    role.appendChild(pick);
    for (const r of roles) {
      const o = D.el('option', null, r.name + ' (' + (SCOPES[r.scope] || r.scope) + ')');
      o.value = r.name;
      role.appendChild(o);
    }
    const unit = D.el('input');
    unit.name = 'unit'; unit.autocomplete = 'off';
    const clearance = D.el('select');
    clearance.name = 'clearance';
    const def = D.el('option', null, "The role's default");
    def.value = '';
    clearance.appendChild(def);
    for (const c of CLEARANCES) {
      const o = D.el('option', null, c);
      o.value = c;
      clearance.appendChild(o);
    }
    role.addEventListener('change', () => {
      const r = roles.find((x) => x.name === role.value);
      def.textContent = r && r.clearance ? "The role's default (" + r.clearance + ')' : "The role's default";
    });
    const cats = D.el('input');
    cats.name = 'categories'; cats.autocomplete = 'off';

    const fields = D.el('div', 'rp-fields');
    fields.append(
      field('admin-name', 'User name', name, 'letters, digits and . _ - @'),
      field('admin-password', 'Password', pw, '8 characters or more'),
      field('admin-role', 'Role', role),
      field('admin-unit', 'Unit', unit, 'optional, e.g. head office'),
      field('admin-clearance', 'Clearance', clearance),
      field('admin-categories', 'Categories', cats, 'optional codes, e.g. BASIC,CREDIT; empty: all'));
    const buttons = D.el('div', 'rp-buttons');
    const go = D.el('button', null, 'Add user');
    go.type = 'submit';
    buttons.appendChild(go);
    fields.appendChild(buttons);
    form.appendChild(fields);
    const msg = D.el('div', 'rp-form-status');
    form.appendChild(msg);

    function say(text, isError) {
      const p = D.status(text, isError);
      p.tabIndex = -1;
      msg.replaceChildren(p);
      return p;
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = {
        name: name.value.trim(), password: pw.value, role: role.value,
        unit: unit.value.trim(), clearance: clearance.value,
        categories: cats.value.split(/[\s,]+/).filter(Boolean).join(',')
      };
      const missing = [];
      if (!body.name) missing.push([name, 'a user name']);
      if (!body.password) missing.push([pw, 'a password']);
      if (!body.role) missing.push([role, 'a role']);
      if (missing.length) {
        const words = missing.map((m) => m[1]);
        const list = words.length > 1 ? words.slice(0, -1).join(', ') + ' and ' + words[words.length - 1] : words[0];
        say('Please give ' + list + '.', true);
        missing[0][0].focus();
        return;
      }
      if (!/^[A-Za-z0-9._@-]{1,64}$/.test(body.name)) {
        say('A user name uses only letters, digits and . _ - @ (64 at most), without spaces.', true);
        name.focus();
        return;
      }
      if (body.password.length < 8) {
        say('The password needs 8 characters or more.', true);
        pw.focus();
        return;
      }
      go.disabled = true;
      say('Adding ' + body.name + '…');
      let res;
      try {
        res = await D.api('/api/users', { method: 'POST', body });
      } catch (err) {
        go.disabled = false;
        if (err.status === 401) return;
        const text = err.status === 403 ? 'Your role may not add users.'
          : 'The user was not added: ' + err.message + '.';
        say(text, true).focus();
        return;
      }
      go.disabled = false;
      form.reset();
      def.textContent = "The role's default";
      say((res && res.message ? res.message.charAt(0).toUpperCase() + res.message.slice(1) : 'User added') + '.');
      await onAdded(body.name);
      msg.firstChild && msg.firstChild.focus();
    });
    return form;
  }

  function rolesTable(roles) {
    const rows = roles.map((r) => tr([r.name, SCOPES[r.scope] ? r.scope + ': ' + SCOPES[r.scope] : r.scope,
      (r.actions || []).join(', '), r.clearance || '',
      r.unsearchable ? 'yes' : 'no', r.builtin ? 'built in' : 'added']));
    return table('Roles', [{ label: 'Role' }, { label: 'Reaches' }, { label: 'Actions' },
      { label: 'Default clearance' }, { label: 'Finds unsearchable documents' }, { label: 'Origin' }],
    rows, 'rp-roles');
  }

  function checklistTable(items) {
    const rows = items.map((c) => {
      let when = c.applies_if ? 'when the dossier holds ' + c.applies_if : muted('always');
      return tr([c.label, c.customer_type || muted('all'), c.category || '', c.doc_type || muted('any'),
        c.min_count === undefined || c.min_count === null ? '' : c.min_count,
        c.months ? 'last ' + c.months + ' months' : muted('any time'), when, c.id], { num: [4, 7] });
    });
    return table('Dossier checklist', [{ label: 'Item' }, { label: 'Customer type' }, { label: 'Category' },
      { label: 'Document type' }, { label: 'At least', num: true }, { label: 'Dated' },
      { label: 'Required' }, { label: 'No.', num: true }], rows, 'rp-checklist');
  }

  async function render(view) {
    const root = D.el('div', 'rp-screen rp-admin');
    view.appendChild(root);
    root.appendChild(D.el('h2', null, 'Administration'));
    if (!D.may('admin')) {
      root.appendChild(D.status('Your role may not administer the archive.', true));
      return;
    }
    const [users, roles, checklist] = await Promise.allSettled([
      D.api('/api/users'), D.api('/api/roles'), D.api('/api/checklist')]);
    if (!root.isConnected) return;
    if ([users, roles, checklist].some((r) => r.status === 'rejected' && r.reason.status === 401)) return;

    // Users, and the form to add one.
    const us = section('admin-users', 'Users');
    const usersBox = D.el('div');
    async function reloadUsers(highlight) {
      try {
        const list = await D.api('/api/users');
        usersBox.replaceChildren(D.el('p', 'rp-summary', list.length + (list.length === 1 ? ' user.' : ' users.')),
          usersTable(list, highlight));
      } catch (e) {
        if (e.status !== 401) usersBox.replaceChildren(D.status(plainError(e, 'the users'), true));
      }
    }
    if (users.status === 'fulfilled') {
      const list = users.value || [];
      usersBox.append(D.el('p', 'rp-summary', list.length + (list.length === 1 ? ' user.' : ' users.')),
        usersTable(list));
    } else {
      usersBox.appendChild(D.status(plainError(users.reason, 'the users'), true));
    }
    us.appendChild(usersBox);
    if (roles.status === 'fulfilled')
      us.appendChild(addUserForm(roles.value || [], reloadUsers));
    else
      us.appendChild(D.status('Users cannot be added here now: ' + plainError(roles.reason, 'the roles'), true));
    root.appendChild(us);

    const note = D.el('p', 'rp-note');
    note.appendChild(document.createTextNode('Roles, units, categories and the checklist are read-only here; for now they are changed with the '));
    note.appendChild(D.el('code', null, 'dossier'));
    note.appendChild(document.createTextNode(' command ('));
    note.appendChild(D.el('code', null, 'dossier role add'));
    note.appendChild(document.createTextNode(', '));
    note.appendChild(D.el('code', null, 'dossier checklist add'));
    note.appendChild(document.createTextNode(').'));

    const rs = section('admin-roles', 'Roles');
    rs.appendChild(note);
    if (roles.status === 'fulfilled') rs.appendChild(rolesTable(roles.value || []));
    else rs.appendChild(D.status(plainError(roles.reason, 'the roles'), true));
    root.appendChild(rs);

    const cs = section('admin-checklist', 'Dossier checklist');
    cs.appendChild(D.el('p', 'rp-hint-line', 'What a complete customer dossier holds.'));
    if (checklist.status === 'fulfilled') {
      const items = checklist.value || [];
      cs.appendChild(items.length ? checklistTable(items) : D.el('p', null, 'The checklist is empty.'));
    } else {
      cs.appendChild(D.status(plainError(checklist.reason, 'the checklist'), true));
    }
    root.appendChild(cs);
  }

  D.screen('admin', { title: 'Administration', render });
})();
