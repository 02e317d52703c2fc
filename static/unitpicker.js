// netdep unit picker: a type-ahead over the unit tree (GET /api/v1/units)
// following the ARIA combobox pattern: the text box (role=combobox) owns
// a listbox of options; ↓/↑ move through them (aria-activedescendant),
// Enter picks, Escape closes, and a polite live region says how many
// units match.  Typing needs no diacritics ("phuong le thanh nghi").  The
// pick goes into a hidden unit_code field; "my unit is not listed" keeps
// a free-text name instead, which an admin later maps to a node.
// Markup: an element with data-unit-picker (data-within: a unit code to
// search under) holding the combobox, the listbox, the hidden field, the
// status region, a .unit-unlisted checkbox and a .unit-free block.
'use strict';

(function () {
  const T = {
    none: 'Không tìm thấy đơn vị nào. Hãy gõ khác đi, hoặc chọn “Đơn vị của tôi không có trong danh sách”.',
    count: '{n} đơn vị phù hợp. Dùng phím mũi tên lên, xuống để chọn, Enter để xác nhận.',
    picked: 'Đã chọn {name}.',
    merged: 'đã hợp nhất vào {to}'
  };
  const { el, api, fill } = ND;

  function attach(root) {
    const input = root.querySelector('[role="combobox"]');
    const list = root.querySelector('[role="listbox"]');
    const code = root.querySelector('input[type="hidden"]');
    const status = root.querySelector('[role="status"]');
    const unlisted = root.querySelector('.unit-unlisted');
    const free = root.querySelector('.unit-free');
    let items = [];
    let active = -1;
    let timer = null;
    let seq = 0;

    function open(on) {
      list.hidden = !on;
      input.setAttribute('aria-expanded', on ? 'true' : 'false');
      if (!on) {
        active = -1;
        input.removeAttribute('aria-activedescendant');
      }
    }

    function label(u) {
      const parts = [u.parent && u.parent.name].filter(Boolean);
      if (u.successors && u.successors.length) {
        parts.push(fill(T.merged, { to: u.successors.map((s) => s.name).join(', ') }));
      }
      return parts.join(' · ');
    }

    function render() {
      list.replaceChildren(...items.map((u, i) => {
        const li = el('li', { role: 'option', id: list.id + '-' + i, 'aria-selected': 'false', 'data-code': u.code });
        li.appendChild(el('span', { class: 'unit-name' }, u.name));
        const sub = label(u);
        if (sub) li.appendChild(el('span', { class: 'unit-sub' }, sub));
        li.addEventListener('click', () => choose(i));
        return li;
      }));
    }

    function highlight(i) {
      const opts = list.querySelectorAll('[role="option"]');
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      opts.forEach((o, k) => o.setAttribute('aria-selected', k === active ? 'true' : 'false'));
      input.setAttribute('aria-activedescendant', opts[active].id);
      opts[active].scrollIntoView({ block: 'nearest' });
    }

    function choose(i) {
      const u = items[i];
      if (!u) return;
      code.value = u.code;
      input.value = u.name;
      open(false);
      status.textContent = fill(T.picked, { name: u.name });
      root.dispatchEvent(new CustomEvent('unitpick', { detail: u }));
    }

    async function search() {
      const q = input.value.trim();
      const my = ++seq;
      if (q.length < 2) { items = []; open(false); return; }
      let path = '/units?limit=8&q=' + encodeURIComponent(q);
      if (root.dataset.within) path += '&within=' + encodeURIComponent(root.dataset.within);
      const data = await api('GET', path);
      if (my !== seq) return;             // a newer query is on its way
      items = data.units || [];
      render();
      open(items.length > 0);
      status.textContent = items.length ? fill(T.count, { n: items.length }) : T.none;
    }

    input.addEventListener('input', () => {
      code.value = '';                    // typing again drops the pick
      clearTimeout(timer);
      timer = setTimeout(() => { search().catch(() => {}); }, 250);
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (list.hidden && items.length) open(true);
        highlight(active + (ev.key === 'ArrowDown' ? 1 : -1));
      } else if (ev.key === 'Enter' && !list.hidden && active >= 0) {
        ev.preventDefault();
        choose(active);
      } else if (ev.key === 'Escape' && !list.hidden) {
        ev.preventDefault();
        open(false);
      }
    });
    input.addEventListener('blur', () => { setTimeout(() => open(false), 150); });
    list.addEventListener('mousedown', (ev) => ev.preventDefault());
    if (unlisted && free) {
      unlisted.addEventListener('change', () => {
        free.hidden = !unlisted.checked;
        input.disabled = unlisted.checked;
        if (unlisted.checked) {
          code.value = '';
          open(false);
          const box = free.querySelector('input');
          if (box) box.focus();
        } else {
          const box = free.querySelector('input');
          if (box) box.value = '';
        }
      });
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('[data-unit-picker]').forEach(attach);
  });
  window.NDUnitPicker = { attach };
}());
