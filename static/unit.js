// netdep unit page (/unit.html?code=): a unit of the Youth Union's tree,
// its parents, the units under it, and where a merged-away unit went:
// "Tỉnh đoàn Hải Dương → Thành đoàn Hải Phòng" (GET /api/v1/units/{code}).
'use strict';

(function () {
  const T = {
    title: '{name} – netdep',
    kind: 'Loại: {k}',
    valid: 'Hoạt động: {from} – {to}',
    ended: 'Đã kết thúc ngày {to}',
    now: 'nay',
    start: '…',
    members: 'Số đoàn viên: {n}',
    none: 'Không tìm thấy đơn vị này.',
    kinds: {
      centre: 'Trung ương Đoàn', province: 'Tỉnh đoàn', city: 'Thành đoàn', direct: 'Đoàn trực thuộc Trung ương',
      commune: 'Đoàn xã', ward: 'Đoàn phường', special_zone: 'Đoàn đặc khu', school: 'Đoàn trường',
      agency: 'Đoàn cơ quan', enterprise: 'Đoàn doanh nghiệp', armed_forces: 'Đoàn lực lượng vũ trang',
      grassroots: 'Đoàn cơ sở', branch: 'Chi đoàn'
    }
  };
  const { $, el, api, fill, num } = ND;

  function link(u) {
    return el('a', { href: '/unit.html?code=' + encodeURIComponent(u.code) }, u.name);
  }

  function day(d) { return d ? d.split('-').reverse().join('/') : null; }

  async function main() {
    const code = ND.param('code') || '';
    let u;
    try {
      u = await api('GET', '/units/' + encodeURIComponent(code));
    } catch (e) {
      ND.showError('error', e.status === 404 ? { message: T.none } : e);
      return;
    }
    document.title = fill(T.title, { name: u.name });
    $('unit-name').textContent = u.name;
    const path = $('path');
    (u.ancestors || []).forEach((a, i) => {
      if (i) path.appendChild(el('span', { class: 'arrow', 'aria-hidden': 'true' }, '›'));
      path.appendChild(link(a));
    });
    const facts = [fill(T.kind, { k: T.kinds[u.kind] || u.kind })];
    if (u.valid_to) facts.push(fill(T.ended, { to: day(u.valid_to) }));
    else if (u.valid_from) facts.push(fill(T.valid, { from: day(u.valid_from), to: T.now }));
    if (u.members !== null && u.members !== undefined) facts.push(fill(T.members, { n: num(u.members) }));
    $('facts').replaceChildren(...facts.map((f) => el('li', null, f)));
    // The chain a merged-away unit leads to, up to the units of today.
    const succ = u.current && u.current.length ? u.current : u.successors || [];
    if (succ.length) {
      const p = $('succ');
      p.appendChild(el('span', null, u.name));
      p.appendChild(el('span', { class: 'arrow', 'aria-label': 'chuyển thành' }, '→'));
      succ.forEach((s, i) => {
        if (i) p.appendChild(el('span', null, ', '));
        p.appendChild(link(s));
      });
      $('succ-sec').hidden = false;
    }
    if (u.predecessors && u.predecessors.length) {
      $('pred').replaceChildren(...u.predecessors.map((s) => {
        const li = el('li');
        li.appendChild(link(s));
        if (s.valid_to) li.appendChild(el('span', { class: 'muted' }, ' (' + fill(T.ended, { to: day(s.valid_to) }) + ')'));
        return li;
      }));
      $('pred-sec').hidden = false;
    }
    if (u.children && u.children.length) {
      $('kids').replaceChildren(...u.children.map((k) => {
        const li = el('li');
        li.appendChild(link(k));
        return li;
      }));
      $('kids-sec').hidden = false;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', e));
  });
}());
