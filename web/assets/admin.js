// The administration screen, #/admin: users (add, change role, unit,
// clearance and categories, disable and enable), units (read-only: they
// are the free text on customers and users), categories (add, rename,
// aliases; codes never change), the dossier checklist (add and remove
// items) and the roles (read-only; `dossier role add` adds one).  Every
// change asks the server and shows its answer in words; removing and
// disabling ask again in the page itself (never a browser dialog).  Text
// from the server goes in as text.
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

  // Customers and documents are counted only of what the reader may see;
  // a role that sees no dossier (the administrator's) gets no count.
  function notYours() { return muted('not yours to count'); }

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

  function usersTable(users, highlight, actions) {
    const rows = users.map((u) => {
      const cells = [u.name, u.role, u.unit || muted('none'), u.clearance || '',
        u.categories ? String(u.categories).split(',').join(', ') : muted('all'),
        String(u.created || '').slice(0, 10),
        u.disabled ? D.el('span', 'rp-badge rp-off', 'disabled') : 'active'];
      if (actions) cells.push(actions(u));
      const r = tr(cells);
      if (u.name === highlight) r.className = 'rp-new';
      return r;
    });
    const heads = [{ label: 'Name' }, { label: 'Role' }, { label: 'Unit' },
      { label: 'Clearance' }, { label: 'Categories' }, { label: 'Created' }, { label: 'Status' }];
    if (actions) heads.push({ label: 'Change' });
    return table('Users', heads, rows, 'rp-users');
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

  // The server's message as a sentence.
  function sentence(text, fallback) {
    const t = text || fallback;
    return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
  }

  // Why a change was not made, in words.
  function notDone(e, what) {
    if (e.status === 403) return 'Your role may not ' + what + '.';
    if (e.status === 0) return e.message;
    return sentence(e.message, 'it was not done');
  }

  function button(label, cls, aria) {
    const b = D.el('button', cls || null, label);
    b.type = 'button';
    if (aria) b.setAttribute('aria-label', aria);
    return b;
  }

  // A status line that receives focus, so the answer is read out.
  function statusBox() {
    const box = D.el('div', 'rp-form-status');
    box.say = (text, isError) => {
      const p = D.status(text, isError);
      p.tabIndex = -1;
      box.replaceChildren(p);
      return p;
    };
    return box;
  }

  // Asks again in place of the button: "question [yes] [Keep]"; Escape or
  // Keep puts the button back.  No browser dialog.
  function confirmHere(btn, question, yesLabel, onYes) {
    const holder = btn.parentNode;
    const saved = [...holder.childNodes];
    const box = D.el('span', 'rp-confirm');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', question);
    const q = D.el('span', 'rp-confirm-q', question);
    const yes = button(yesLabel, 'rp-small rp-danger rp-confirm-yes');
    const no = button('Keep', 'rp-small rp-secondary rp-confirm-no');
    function back() {
      holder.replaceChildren(...saved);
      btn.focus();
    }
    no.addEventListener('click', back);
    box.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); back(); } });
    yes.addEventListener('click', async () => {
      yes.disabled = true; no.disabled = true;
      const okDone = await onYes();
      if (!okDone && box.isConnected) back();
    });
    box.append(q, ' ', yes, ' ', no);
    holder.replaceChildren(box);
    yes.focus();
  }

  // A form of labelled fields with a submit button and a status line.
  function formBox(id, title, cls, submitLabel) {
    const form = D.el('form', 'rp-filters ' + cls);
    form.noValidate = true;
    form.setAttribute('aria-labelledby', id);
    const h = D.el('h4', null, title);
    h.id = id;
    const fields = D.el('div', 'rp-fields');
    const buttons = D.el('div', 'rp-buttons');
    const go = D.el('button', null, submitLabel);
    go.type = 'submit';
    buttons.appendChild(go);
    const msg = statusBox();
    form.append(h, fields, msg);
    return { form, fields, buttons, go, msg, heading: h };
  }

  function input(name, opts) {
    const i = D.el('input');
    i.name = name; i.autocomplete = 'off';
    Object.assign(i, opts || {});
    return i;
  }

  function select(name, options, value) {
    const s = D.el('select');
    s.name = name;
    for (const [v, label] of options) {
      const o = D.el('option', null, label);
      o.value = v;
      s.appendChild(o);
    }
    if (value !== undefined && value !== null) s.value = value;
    return s;
  }

  // ---- users: change one, disable, enable ----
  function changeUserForm(u, roles, done, cancel) {
    const f = formBox('admin-change', 'Change user ' + u.name, 'rp-changeuser', 'Save changes');
    const role = select('role', roles.map((r) => [r.name, r.name]), u.role);
    const unit = input('unit', { value: u.unit || '' });
    const clearance = select('clearance', CLEARANCES.map((c) => [c, c]), u.clearance || 'internal');
    const cats = input('categories', { value: u.categories || '' });
    const back = button('Cancel', 'rp-secondary');
    back.addEventListener('click', cancel);
    f.form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); cancel(); } });
    f.buttons.appendChild(back);
    f.fields.append(
      field('admin-change-role', 'Role', role),
      field('admin-change-unit', 'Unit', unit, 'empty: no unit'),
      field('admin-change-clearance', 'Clearance', clearance),
      field('admin-change-categories', 'Categories', cats, 'codes, e.g. BASIC,CREDIT; empty: all'),
      f.buttons);
    f.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { role: role.value, unit: unit.value.trim(), clearance: clearance.value,
        categories: cats.value.split(/[\s,]+/).filter(Boolean).join(',').toUpperCase() };
      f.go.disabled = true;
      f.msg.say('Saving…');
      try {
        const res = await D.api('/api/users/' + encodeURIComponent(u.name) + '/update', { method: 'POST', body });
        await done(sentence(res && res.message, 'saved'), u.name);
      } catch (err) {
        f.go.disabled = false;
        if (err.status !== 401) f.msg.say(notDone(err, 'change users'), true).focus();
      }
    });
    return { form: f.form, first: role };
  }

  // ---- categories ----
  function categoriesTable(cats, hooks) {
    const rows = cats.map((c) => {
      const aliases = D.el('span', 'rp-aliases');
      for (const a of c.aliases || []) {
        const chip = D.el('span', 'rp-chip');
        const rm = button('Remove', 'rp-small rp-secondary rp-alias-remove', 'Remove alias ' + a + ' of ' + c.code);
        rm.addEventListener('click', () => confirmHere(rm, 'Remove ' + a + '?', 'Remove', () => hooks.removeAlias(c, a)));
        const holder = D.el('span');
        holder.appendChild(rm);
        chip.append(D.el('span', null, a), ' ', holder);
        aliases.appendChild(chip);
      }
      if (!(c.aliases || []).length) aliases.appendChild(muted('none'));
      const acts = D.el('span', 'rp-actions');
      const rn = button('Rename', 'rp-small rp-secondary rp-rename', 'Rename ' + c.code);
      const al = button('Add alias', 'rp-small rp-secondary rp-alias-add', 'Add an alias to ' + c.code);
      rn.addEventListener('click', () => hooks.rename(c, rn));
      al.addEventListener('click', () => hooks.addAlias(c, al));
      acts.append(rn, ' ', al);
      const r = tr([c.code, c.name, c.catalogue, aliases,
        c.documents === undefined ? notYours() : c.documents, acts], { num: [2, 4] });
      r.dataset.code = c.code;
      if (c.code === hooks.highlight) r.className = 'rp-new';
      return r;
    });
    return table('Categories', [{ label: 'Code' }, { label: 'Name' }, { label: 'Catalogue no.', num: true },
      { label: 'Aliases' }, { label: 'Documents', num: true }, { label: 'Change' }], rows, 'rp-categories');
  }

  // A one-field form put into a table cell in place of its content.
  function inlineForm(cell, labelText, value, saveLabel, onSave, opener) {
    const saved = [...cell.childNodes];
    const form = D.el('form', 'rp-inline');
    form.noValidate = true;
    const id = 'inline-' + Math.random().toString(36).slice(2);
    const l = D.el('label', 'rp-sr', labelText);
    l.htmlFor = id;
    const i = input('value', { id, value: value || '' });
    const save = D.el('button', 'rp-small', saveLabel);
    save.type = 'submit';
    const cancel = button('Cancel', 'rp-small rp-secondary');
    const msg = statusBox();
    function back() { cell.replaceChildren(...saved); if (opener) opener.focus(); }
    cancel.addEventListener('click', back);
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); back(); } });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      save.disabled = true;
      const err = await onSave(i.value.trim());
      if (err) { save.disabled = false; msg.say(err, true); i.focus(); }
    });
    form.append(l, i, ' ', save, ' ', cancel, msg);
    cell.replaceChildren(form);
    i.focus();
    i.select();
  }

  function addCategoryForm(onAdded) {
    const f = formBox('admin-addcat', 'Add a category', 'rp-addcat', 'Add category');
    const code = input('code', { maxLength: 16 });
    const name = input('name', { maxLength: 100 });
    f.fields.append(
      field('cat-code', 'Code', code, '2 to 16 capital letters, digits or _; it can never be changed'),
      field('cat-name', 'Name', name, 'what clerks read, e.g. Legal matters'),
      f.buttons);
    f.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { code: code.value.trim().toUpperCase(), name: name.value.trim() };
      if (!body.code || !body.name) {
        f.msg.say(!body.code && !body.name ? 'Please give a code and a name.'
          : !body.code ? 'Please give a code.' : 'Please give a name.', true);
        (body.code ? name : code).focus();
        return;
      }
      if (!/^[A-Z0-9_]{2,16}$/.test(body.code)) {
        f.msg.say('A code is 2 to 16 capital letters, digits or _ (no spaces), e.g. LEGAL.', true);
        code.focus();
        return;
      }
      f.go.disabled = true;
      f.msg.say('Adding ' + body.code + '…');
      try {
        const res = await D.api('/api/categories', { method: 'POST', body });
        f.go.disabled = false;
        f.form.reset();
        f.msg.say(sentence(res && res.message, 'category added'));
        await onAdded(body.code);
        f.msg.firstChild && f.msg.firstChild.focus();
      } catch (err) {
        f.go.disabled = false;
        if (err.status !== 401) f.msg.say('The category was not added: ' + notDone(err, 'add categories'), true).focus();
      }
    });
    return f.form;
  }

  // ---- checklist ----
  function checklistTable(items, onRemove, highlight) {
    const rows = items.map((c) => {
      const when = c.applies_if ? 'when the dossier holds ' + c.applies_if : muted('always');
      const rm = button('Remove', 'rp-small rp-secondary rp-remove', 'Remove checklist item ' + c.label);
      rm.addEventListener('click', () => confirmHere(rm, 'Remove this item?', 'Remove', () => onRemove(c)));
      const cell = D.el('span', null);
      cell.appendChild(rm);
      const r = tr([c.label, c.customer_type || muted('all'), c.category || '', c.doc_type || muted('any'),
        c.min_count === undefined || c.min_count === null ? '' : c.min_count,
        c.months ? 'last ' + c.months + ' months' : muted('any time'), when, c.id, cell], { num: [4, 7] });
      r.dataset.id = c.id;
      if (c.id === highlight) r.className = 'rp-new';
      return r;
    });
    return table('Dossier checklist', [{ label: 'Item' }, { label: 'Customer type' }, { label: 'Category' },
      { label: 'Document type' }, { label: 'At least', num: true }, { label: 'Dated' },
      { label: 'Required' }, { label: 'No.', num: true }, { label: 'Change' }], rows, 'rp-checklist');
  }

  function addChecklistForm(onAdded) {
    const f = formBox('admin-addcheck', 'Add a checklist item', 'rp-addcheck', 'Add item');
    const label = input('label', { maxLength: 200 });
    const category = select('category', [['', 'Choose a category']]);
    const ctype = input('customer_type');
    const types = D.el('datalist');
    types.id = 'cl-types';
    ctype.setAttribute('list', types.id);
    const doctype = input('doc_type');
    const count = input('min_count', { type: 'number', min: 1, max: 1000, defaultValue: '1' });
    const months = input('months', { type: 'number', min: 0, max: 120 });
    const when = select('applies_if', [['', 'Always']]);
    f.fields.append(
      field('cl-label', 'Item', label, 'what a clerk reads, e.g. Court order'),
      field('cl-category', 'Category', category),
      field('cl-type', 'Customer type', ctype, 'empty: every type'),
      types,
      field('cl-doctype', 'Document type', doctype, 'optional, e.g. court_order; empty: any'),
      field('cl-count', 'At least', count, 'how many documents'),
      field('cl-months', 'Dated in each of the last … months', months, 'optional, for statements'),
      field('cl-when', 'Required', when),
      f.buttons);
    f.setChoices = (cats, items) => {
      for (const [sel, first] of [[category, 'Choose a category'], [when, 'Always']]) {
        const keep = sel.value;
        sel.replaceChildren();
        const o = D.el('option', null, first);
        o.value = '';
        sel.appendChild(o);
        for (const c of cats) {
          const opt = D.el('option', null, sel === when ? 'When the dossier holds ' + c.code : c.code + ' (' + c.name + ')');
          opt.value = c.code;
          sel.appendChild(opt);
        }
        sel.value = keep;
      }
      const known = new Set(['individual', 'corporate']);
      for (const it of items) if (it.customer_type) known.add(it.customer_type);
      types.replaceChildren(...[...known].sort().map((t) => { const o = D.el('option'); o.value = t; return o; }));
    };
    f.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { label: label.value.trim(), category: category.value, customer_type: ctype.value.trim(),
        doc_type: doctype.value.trim(), applies_if: when.value };
      const missing = [];
      if (!body.label) missing.push([label, 'the item\'s name']);
      if (!body.category) missing.push([category, 'a category']);
      if (missing.length) {
        f.msg.say('Please give ' + missing.map((m) => m[1]).join(' and ') + '.', true);
        missing[0][0].focus();
        return;
      }
      const n = Number(count.value || '1');
      if (!Number.isInteger(n) || n < 1 || n > 1000) {
        f.msg.say('"At least" is a whole number from 1 to 1000.', true);
        count.focus();
        return;
      }
      const m = months.value === '' ? 0 : Number(months.value);
      if (!Number.isInteger(m) || m < 0 || m > 120) {
        f.msg.say('The months are a whole number from 0 to 120, or empty.', true);
        months.focus();
        return;
      }
      body.min_count = n;
      body.months = m;
      f.go.disabled = true;
      f.msg.say('Adding the item…');
      try {
        const res = await D.api('/api/checklist', { method: 'POST', body });
        f.go.disabled = false;
        f.form.reset();
        f.msg.say(sentence(res && res.message, 'checklist item added'));
        await onAdded(res && res.id);
        f.msg.firstChild && f.msg.firstChild.focus();
      } catch (err) {
        f.go.disabled = false;
        if (err.status !== 401) f.msg.say('The item was not added: ' + notDone(err, 'change the checklist'), true).focus();
      }
    });
    return f;
  }

  function unitsTable(units) {
    const rows = units.map((u) => tr([u.unit, u.customers === null ? notYours() : u.customers, u.users,
      u.documents === null ? notYours() : u.documents], { num: [1, 2, 3] }));
    return table('Units', [{ label: 'Unit' }, { label: 'Customers', num: true }, { label: 'Users', num: true },
      { label: 'Documents', num: true }], rows, 'rp-units');
  }

  async function render(view) {
    const root = D.el('div', 'rp-screen rp-admin');
    view.appendChild(root);
    root.appendChild(D.el('h2', null, 'Administration'));
    if (!D.may('admin')) {
      root.appendChild(D.status('Your role may not administer the archive.', true));
      return;
    }
    const [users, roles, checklist, categories, units] = await Promise.allSettled([
      D.api('/api/users'), D.api('/api/roles'), D.api('/api/checklist'), D.api('/api/categories'),
      D.api('/api/units')]);
    if (!root.isConnected) return;
    const all = [users, roles, checklist, categories, units];
    if (all.some((r) => r.status === 'rejected' && r.reason.status === 401)) return;
    const roleList = roles.status === 'fulfilled' ? roles.value || [] : [];
    let catList = categories.status === 'fulfilled' ? categories.value || [] : [];
    let items = checklist.status === 'fulfilled' ? checklist.value || [] : [];

    // Users: the table with its buttons, the change form, the add form.
    const us = section('admin-users', 'Users');
    const usersBox = D.el('div');
    const usersMsg = statusBox();
    const editBox = D.el('div');
    let userList = users.status === 'fulfilled' ? users.value || [] : null;

    async function setDisabled(u, disabled) {
      try {
        const res = await D.api('/api/users/' + encodeURIComponent(u.name) + (disabled ? '/disable' : '/enable'),
          { method: 'POST', body: {} });
        await reloadUsers(u.name);
        usersMsg.say(sentence(res && res.message, 'done')).focus();
        return true;
      } catch (e) {
        if (e.status !== 401) usersMsg.say(notDone(e, 'disable users'), true).focus();
        return false;
      }
    }

    function userActions(u) {
      const box = D.el('span', 'rp-actions');
      const ch = button('Change', 'rp-small rp-secondary rp-change', 'Change ' + u.name);
      ch.addEventListener('click', () => {
        const form = changeUserForm(u, roleList, async (text, name) => {
          await reloadUsers(name);
          await reloadUnits();
          editBox.replaceChildren();
          usersMsg.say(text).focus();
        }, () => { editBox.replaceChildren(); ch.isConnected && ch.focus(); });
        editBox.replaceChildren(form.form);
        form.first.focus();
      });
      const holder = D.el('span');
      let t;
      if (u.disabled) {
        t = button('Enable', 'rp-small rp-secondary rp-enable', 'Enable ' + u.name);
        t.addEventListener('click', () => setDisabled(u, false));
      } else {
        t = button('Disable', 'rp-small rp-secondary rp-disable', 'Disable ' + u.name);
        t.addEventListener('click', () => confirmHere(t, 'Disable ' + u.name + '? They are signed out.', 'Disable',
          () => setDisabled(u, true)));
      }
      holder.appendChild(t);
      box.append(ch, ' ', holder);
      return box;
    }

    function drawUsers(highlight) {
      usersBox.replaceChildren(D.el('p', 'rp-summary', userList.length + (userList.length === 1 ? ' user.' : ' users.')),
        usersTable(userList, highlight, userActions));
    }
    async function reloadUsers(highlight) {
      try {
        userList = await D.api('/api/users') || [];
        drawUsers(highlight);
      } catch (e) {
        if (e.status !== 401) usersBox.replaceChildren(D.status(plainError(e, 'the users'), true));
      }
    }
    if (userList) drawUsers();
    else usersBox.appendChild(D.status(plainError(users.reason, 'the users'), true));
    us.append(usersBox, usersMsg, editBox);
    if (roles.status === 'fulfilled')
      us.appendChild(addUserForm(roleList, async (name) => { await reloadUsers(name); await reloadUnits(); }));
    else
      us.appendChild(D.status('Users cannot be added here now: ' + plainError(roles.reason, 'the roles'), true));
    root.appendChild(us);

    // Units: read-only.
    const ns = section('admin-units', 'Units');
    ns.appendChild(D.el('p', 'rp-note', 'A unit is the name written on customers and users, not a list of its own: ' +
      'it appears here once a customer or a user has it. Move a user with Change in the users table.'));
    const unitsBox = D.el('div');
    function drawUnits(list) {
      unitsBox.replaceChildren(list.length ? unitsTable(list) : D.el('p', null, 'No customer or user has a unit yet.'));
    }
    async function reloadUnits() {
      try { drawUnits(await D.api('/api/units') || []); } catch (e) {
        if (e.status !== 401) unitsBox.replaceChildren(D.status(plainError(e, 'the units'), true));
      }
    }
    if (units.status === 'fulfilled') drawUnits(units.value || []);
    else unitsBox.appendChild(D.status(plainError(units.reason, 'the units'), true));
    ns.appendChild(unitsBox);
    root.appendChild(ns);

    // Categories.
    const ks = section('admin-categories', 'Categories');
    ks.appendChild(D.el('p', 'rp-note', 'A category\'s code and catalogue number never change, and a category is ' +
      'never removed: filed documents and their archive numbers refer to them. Its name and its aliases (other ' +
      'words clerks may type for it) can be changed.'));
    const catBox = D.el('div');
    const catMsg = statusBox();
    let checkForm = null;
    const hooks = {
      highlight: null,
      rename(c, opener) {
        const cell = opener.closest('tr').children[1];
        inlineForm(cell, 'New name for ' + c.code, c.name, 'Save', async (name) => {
          if (!name) return 'Please give a name.';
          try {
            const res = await D.api('/api/categories/' + encodeURIComponent(c.code) + '/rename',
              { method: 'POST', body: { name } });
            await reloadCategories(c.code);
            catMsg.say(sentence(res && res.message, 'renamed')).focus();
            return null;
          } catch (e) { return e.status === 401 ? null : notDone(e, 'rename categories'); }
        }, opener);
      },
      addAlias(c, opener) {
        const cell = opener.closest('tr').children[3];
        inlineForm(cell, 'New alias for ' + c.code, '', 'Add', async (alias) => {
          if (!alias) return 'Please give the alias, one word.';
          try {
            const res = await D.api('/api/categories/' + encodeURIComponent(c.code) + '/aliases',
              { method: 'POST', body: { alias } });
            await reloadCategories(c.code);
            catMsg.say(sentence(res && res.message, 'alias added')).focus();
            return null;
          } catch (e) { return e.status === 401 ? null : notDone(e, 'change aliases'); }
        }, opener);
      },
      async removeAlias(c, a) {
        try {
          const res = await D.api('/api/categories/' + encodeURIComponent(c.code) + '/aliases/' +
            encodeURIComponent(a) + '/remove', { method: 'POST', body: {} });
          await reloadCategories(c.code);
          catMsg.say(sentence(res && res.message, 'alias removed')).focus();
          return true;
        } catch (e) {
          if (e.status !== 401) catMsg.say(notDone(e, 'change aliases'), true).focus();
          return false;
        }
      }
    };
    function drawCategories() {
      catBox.replaceChildren(catList.length ? categoriesTable(catList, hooks) : D.el('p', null, 'There are no categories.'));
    }
    async function reloadCategories(highlight) {
      try {
        catList = await D.api('/api/categories') || [];
        hooks.highlight = highlight || null;
        drawCategories();
        if (checkForm) checkForm.setChoices(catList, items);
      } catch (e) {
        if (e.status !== 401) catBox.replaceChildren(D.status(plainError(e, 'the categories'), true));
      }
    }
    if (categories.status === 'fulfilled') drawCategories();
    else catBox.appendChild(D.status(plainError(categories.reason, 'the categories'), true));
    ks.append(catBox, catMsg, addCategoryForm(reloadCategories));
    root.appendChild(ks);

    // The checklist.
    const cs = section('admin-checklist', 'Dossier checklist');
    cs.appendChild(D.el('p', 'rp-hint-line', 'What a complete customer dossier holds.'));
    const clBox = D.el('div');
    const clMsg = statusBox();
    async function removeItem(c) {
      try {
        const res = await D.api('/api/checklist/' + encodeURIComponent(c.id) + '/remove', { method: 'POST', body: {} });
        await reloadChecklist();
        clMsg.say(sentence(res && res.message, 'removed') + ' (' + c.label + ')').focus();
        return true;
      } catch (e) {
        if (e.status !== 401) clMsg.say(notDone(e, 'change the checklist'), true).focus();
        return false;
      }
    }
    function drawChecklist(highlight) {
      clBox.replaceChildren(items.length ? checklistTable(items, removeItem, highlight)
        : D.el('p', null, 'The checklist is empty.'));
    }
    async function reloadChecklist(highlight) {
      try {
        items = await D.api('/api/checklist') || [];
        drawChecklist(highlight);
      } catch (e) {
        if (e.status !== 401) clBox.replaceChildren(D.status(plainError(e, 'the checklist'), true));
      }
    }
    if (checklist.status === 'fulfilled') drawChecklist();
    else clBox.appendChild(D.status(plainError(checklist.reason, 'the checklist'), true));
    cs.append(clBox, clMsg);
    checkForm = addChecklistForm(reloadChecklist);
    checkForm.setChoices(catList, items);
    cs.appendChild(checkForm.form);
    root.appendChild(cs);

    // Retention schedule: read-only, from the configuration file.
    const ret = section('admin-retention', 'Retention schedule');
    const rnote = D.el('p', 'rp-note');
    rnote.appendChild(document.createTextNode('Set in the configuration file, in each [category CODE] section: '));
    rnote.appendChild(D.el('code', null, 'retain = 10y after relationship_end'));
    rnote.appendChild(document.createTextNode(' (and '));
    rnote.appendChild(D.el('code', null, 'retain_types = statement: 7y after document_date'));
    rnote.appendChild(document.createTextNode(').'));
    ret.appendChild(rnote);
    try {
      const rules = await D.api('/api/retention/rules') || [];
      if (!rules.length) ret.appendChild(D.el('p', null, 'No retention rules are declared.'));
      else {
        const t = D.el('table', 'rp-table rp-retention-rules');
        const hr = D.el('tr');
        for (const h of ['Category', 'Document type', 'Kept', 'Since']) hr.appendChild(D.el('th', null, h));
        const th = D.el('thead'); th.appendChild(hr);
        const tb = D.el('tbody');
        for (const r of rules) {
          const tr = D.el('tr');
          for (const v of [r.category, r.doc_type || 'every type', r.retain, (r.set_at || '').slice(0, 10)])
            tr.appendChild(D.el('td', null, v));
          tb.appendChild(tr);
        }
        t.append(th, tb);
        ret.appendChild(t);
      }
    } catch (e) {
      if (e.status !== 401) ret.appendChild(D.status(plainError(e, 'the retention schedule'), true));
    }
    root.appendChild(ret);

    // Roles: read-only.
    const rs = section('admin-roles', 'Roles');
    const note = D.el('p', 'rp-note');
    note.appendChild(document.createTextNode('Roles are read-only here; a role is added with '));
    note.appendChild(D.el('code', null, 'dossier role add'));
    note.appendChild(document.createTextNode('.'));
    rs.appendChild(note);
    if (roles.status === 'fulfilled') rs.appendChild(rolesTable(roleList));
    else rs.appendChild(D.status(plainError(roles.reason, 'the roles'), true));
    root.appendChild(rs);
  }

  D.screen('admin', { title: 'Administration', render });
})();
