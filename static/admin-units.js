// netdep admin: the unit tree (issue 15).  Import a CSV file (every bad
// line listed with its number, nothing saved then), export the tree, and
// map the free-text unit names people typed to nodes of the tree.
'use strict';

(function () {
  const T = {
    done: 'Đã nhập: {c} đơn vị mới, {u} cập nhật, {s} không đổi.',
    bad: 'Tệp có {n} dòng lỗi; không có thay đổi nào được lưu:',
    line: 'Dòng {n}: {m}',
    mapped: 'Đã xếp “{name}” vào {code}: {a} tài khoản, {e} ảnh dự thi.',
    pick: 'Hãy chọn tên và đơn vị.',
    admins: 'Trang này dành cho quản trị viên.'
  };
  const { $, el, api, fill, num } = ND;

  async function unmapped() {
    const data = await api('GET', '/admin/units/unmapped');
    const names = data.names || [];
    $('unmapped').replaceChildren(...names.map((n) => {
      const tr = el('tr');
      tr.appendChild(el('td', null, n.name));
      tr.appendChild(el('td', null, num(n.accounts)));
      tr.appendChild(el('td', null, num(n.entries)));
      return tr;
    }));
    $('unmapped-empty').hidden = names.length > 0;
    $('map-name').replaceChildren(...names.map((n) => el('option', { value: n.name }, n.name)));
  }

  async function importFile(ev) {
    ev.preventDefault();
    const file = $('imp-file').files[0];
    $('imp-lines').replaceChildren();
    if (!file) return;
    try {
      const r = await api('POST', '/admin/units/import',
        { body: await file.arrayBuffer(), headers: { 'Content-Type': 'text/csv' } });
      $('imp-msg').textContent = fill(T.done, { c: r.created, u: r.updated, s: r.unchanged });
      await unmapped();
    } catch (e) {
      const lines = e.body && e.body.error && e.body.error.lines;
      if (!lines) { $('imp-msg').textContent = e.message; return; }
      $('imp-msg').textContent = fill(T.bad, { n: lines.length });
      $('imp-lines').replaceChildren(...lines.map((l) => el('li', null, fill(T.line, { n: l.line, m: l.message }))));
    }
  }

  async function map(ev) {
    ev.preventDefault();
    const name = $('map-name').value;
    const code = $('unit_code').value;
    if (!name || !code) { $('map-msg').textContent = T.pick; return; }
    try {
      const r = await api('POST', '/admin/units/map', { json: { name: name, code: code } });
      $('map-msg').textContent = fill(T.mapped, { name: name, code: code, a: r.accounts, e: r.entries });
      await unmapped();
    } catch (e) {
      $('map-msg').textContent = e.message;
    }
  }

  async function main() {
    const user = await ND.loadSession(true);
    if (!user) { location.replace(ND.loginUrl()); return; }
    if (!user.is_admin) { ND.showError('error', { message: T.admins }); return; }
    $('imp-form').addEventListener('submit', importFile);
    $('map-form').addEventListener('submit', map);
    await unmapped();
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', e));
  });
}());
