// netdep photo viewer (issue 17): full screen over the gallery, the
// leaderboard and the entry page.  A swipe (pointer events) or the arrow
// keys move between entries; a pinch, a double tap or the wheel zooms (the
// image has srcset/sizes over the 400 and 1600 px derivatives: a phone
// takes the 400 px one, and the 1600 px one only once zoomed); Esc, the
// close button or the back button close it (it is a history entry).  The
// vote button is vote.js's, so a vote shows on the card behind.  A modal
// dialog: the page behind is inert, Tab stays inside, focus goes back.
'use strict';

(function () {
  const T = {
    close: 'Đóng', prev: 'Ảnh trước', next: 'Ảnh sau', open: 'Xem ảnh toàn màn hình: {t}',
    page: 'Xem trang ảnh', pos: 'Ảnh {i}/{n}', votes: 'lượt bình chọn'
  };
  const { el, fill, num } = ND;
  const MAX = 4, pts = new Map();
  let v = null, list = [], at = 0, st = null, opener = null, shut = [];
  let z = { s: 1, x: 0, y: 0 }, g = null, lastTap = 0;

  function btn(cls, label, text, fn) {
    const b = el('button', { type: 'button', class: cls, 'aria-label': label }, text);
    b.addEventListener('click', fn);
    return b;
  }

  function build() {
    v = { box: el('div', { class: 'viewer', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'v-title', tabindex: '-1', hidden: true }) };
    v.stage = el('div', { class: 'v-stage' });
    const pic = el('picture');
    v.src = el('source', { type: 'image/webp' });
    v.img = el('img', { alt: '', decoding: 'async', draggable: 'false' });
    pic.append(v.src, v.img);
    v.stage.appendChild(pic);
    const bar = el('div', { class: 'v-bar' });
    v.title = el('h2', { id: 'v-title' });
    v.pos = el('span', { class: 'v-pos' });
    v.count = el('span', { class: 'v-count', 'data-words': T.votes });
    v.vote = el('span');
    v.link = el('a', { class: 'v-link' }, T.page);
    v.msg = el('p', { class: 'msg', role: 'status' });
    bar.append(v.title, v.pos, v.count, v.vote, v.link, v.msg);
    v.prev = btn('v-prev', T.prev, '‹', () => go(-1));
    v.next = btn('v-next', T.next, '›', () => go(1));
    v.box.append(v.stage, v.prev, v.next, bar, btn('v-close', T.close, '×', () => history.back()));
    document.body.appendChild(v.box);
    for (const k of ['pointerdown', 'pointermove', 'pointerup', 'pointercancel']) v.stage.addEventListener(k, touch);
    v.stage.addEventListener('dblclick', (ev) => toggle(ev));
    v.stage.addEventListener('wheel', (ev) => { ev.preventDefault(); zoom(z.s * Math.exp(-ev.deltaY / 300)); }, { passive: false });
    document.addEventListener('keydown', (ev) => { if (!v.box.hidden) key(ev); });
    addEventListener('popstate', () => { if (!v.box.hidden) hide(); });
  }

  function srcset(a, aw, b, bw) { return a && b ? a + ' ' + (aw || 400) + 'w, ' + b + ' ' + (bw || 1600) + 'w' : ''; }

  function show(i) {
    at = i;
    const e = list[at], m = e.media || {};
    v.src.srcset = srcset(m.thumb_webp, m.thumb_width, m.display_webp, m.width);
    v.img.srcset = srcset(m.thumb_jpeg, m.thumb_width, m.display_jpeg, m.width);
    v.img.src = m.thumb_jpeg || '';
    v.img.alt = e.title || '';
    v.title.textContent = (e.number ? ND.T.number + e.number + ' · ' : '') + (e.title || '');
    v.pos.textContent = list.length > 1 ? fill(T.pos, { i: at + 1, n: list.length }) : '';
    v.prev.disabled = at === 0;
    v.next.disabled = at === list.length - 1;
    v.link.href = '/e/' + e.id;
    v.link.hidden = location.pathname === v.link.pathname;
    v.count.textContent = num(e.votes) + ' ' + T.votes;
    v.msg.textContent = '';
    v.vote.replaceChildren();
    if (st) v.vote.appendChild(ND.votes.button(e, st, v.count, v.msg)).classList.add('btn', 'primary');
    zoom(1);
    if (!v.box.contains(document.activeElement)) v.box.focus();
    // The neighbours' photos load now, so a swipe shows one at once.
    for (const n of [list[at - 1], list[at + 1]]) {
      const k = n && n.media, p = new Image();
      if (k) { p.sizes = '100vw'; p.srcset = srcset(k.thumb_webp || k.thumb_jpeg, k.thumb_width, k.display_webp || k.display_jpeg, k.width); }
    }
  }

  function go(d) { if (list[at + d]) show(at + d); }

  // Scale s around the stage's centre, panned by (x, y) within the photo.
  function zoom(s, x, y) {
    z.s = Math.min(MAX, Math.max(1, s));
    const mx = (v.img.offsetWidth * (z.s - 1)) / 2, my = (v.img.offsetHeight * (z.s - 1)) / 2;
    z.x = Math.min(mx, Math.max(-mx, x === undefined ? z.x : x));
    z.y = Math.min(my, Math.max(-my, y === undefined ? z.y : y));
    if (z.s === 1) z.x = z.y = 0;
    // Zoomed in: the browser picks the 1600 px derivative.
    v.img.sizes = v.src.sizes = Math.round(100 * z.s) + 'vw';
    v.box.classList.toggle('zoomed', z.s > 1);
    place(0);
  }

  function place(dx) { v.img.style.transform = 'translate(' + (z.x + dx) + 'px,' + z.y + 'px) scale(' + z.s + ')'; }

  // Double tap or double click: 2.5x at that point, or back to fit.
  function toggle(ev) {
    if (z.s > 1) { zoom(1); return; }
    const r = v.stage.getBoundingClientRect(), s = 2.5;
    z.s = 1;
    zoom(s, -(ev.clientX - r.left - r.width / 2) * (s - 1), -(ev.clientY - r.top - r.height / 2) * (s - 1));
  }

  function spread() { const [a, b] = [...pts.values()]; return Math.hypot(a.x - b.x, a.y - b.y) || 1; }

  function touch(ev) {
    const p = { x: ev.clientX, y: ev.clientY };
    if (ev.type === 'pointerdown') {
      try { v.stage.setPointerCapture(ev.pointerId); } catch (e) { /* a synthetic pointer */ }
      pts.set(ev.pointerId, p);
      v.stage.classList.add('drag');
      g = pts.size === 2 ? { d: spread(), s: z.s, x: z.x, y: z.y, multi: true } : { p: p, x: z.x, y: z.y, multi: g && g.multi };
      return;
    }
    if (!pts.has(ev.pointerId)) return;
    if (ev.type === 'pointermove') {
      pts.set(ev.pointerId, p);
      if (pts.size === 2) zoom(g.s * spread() / g.d, g.x * spread() / g.d, g.y * spread() / g.d);
      else if (z.s > 1) zoom(z.s, g.x + p.x - g.p.x, g.y + p.y - g.p.y);
      else if (!g.multi) place(p.x - g.p.x);
      return;
    }
    pts.delete(ev.pointerId);
    if (pts.size === 1) { const [q] = pts.values(); g = { p: q, x: z.x, y: z.y, multi: true }; return; }
    v.stage.classList.remove('drag');
    const dx = p.x - g.p.x, dy = p.y - g.p.y, multi = g.multi;
    g = null;
    if (multi || ev.type === 'pointercancel') { zoom(z.s); return; }
    if (z.s === 1 && Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy)) { go(dx < 0 ? 1 : -1); place(0); return; }
    place(0);
    if (ev.pointerType === 'mouse' || Math.abs(dx) > 10 || Math.abs(dy) > 10) return;
    const now = ev.timeStamp;
    if (now - lastTap < 350) { lastTap = 0; toggle(ev); } else lastTap = now;
  }

  function key(ev) {
    if (ev.key === 'Escape') { ev.preventDefault(); history.back(); } else if (ev.key === 'ArrowLeft') go(-1);
    else if (ev.key === 'ArrowRight') go(1);
    else if (ev.key === 'Tab') {
      const f = [...v.box.querySelectorAll('button:not(:disabled), a[href]:not([hidden])')];
      const i = f.indexOf(document.activeElement);
      if (ev.shiftKey ? i <= 0 : i === f.length - 1) { ev.preventDefault(); f[ev.shiftKey ? f.length - 1 : 0].focus(); }
    }
  }

  // Opens entries l at index i; st is vote.js's state (null: signed out).
  function open(l, i, s, from) {
    if (!v) build();
    list = l;
    st = s;
    opener = from || document.activeElement;
    shut = [...document.body.children].filter((c) => c !== v.box && !c.inert);
    for (const c of shut) c.inert = true;
    document.body.classList.add('v-open');
    v.box.hidden = false;
    history.pushState({ viewer: true }, '');
    show(i);
    v.box.querySelector('.v-close').focus();
  }

  function hide() {
    v.box.hidden = true;
    for (const c of shut) c.inert = false;
    document.body.classList.remove('v-open');
    // The row may have been drawn again (the leaderboard refreshes).
    const back = opener && opener.isConnected ? opener : document.querySelector('[data-view="' + list[at].id + '"]');
    if (back) back.focus();
  }

  // Gallery cards: a tap on a photo opens the viewer (the title, a
  // keyboard or a modified click still opens the entry page).
  function cards(ul, l, s) {
    l.forEach((e, i) => { if (ul.children[i]) ul.children[i].querySelector('a').dataset.view = e.id; });
    ul.addEventListener('click', (ev) => {
      const pic = ev.target.closest('picture'), li = pic && pic.closest('li');
      const i = [...ul.children].indexOf(li);
      if (i < 0 || ev.button || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      open(l, i, s, pic.closest('a'));
    });
  }

  // A button around picture pic that opens l at i (leaderboard rows, the
  // entry page's photo).
  function thumb(pic, l, i, s) {
    const b = el('button', { type: 'button', class: 'v-thumb', 'data-view': l[i].id, 'aria-label': fill(T.open, { t: l[i].title || '' }) });
    b.appendChild(pic);
    b.addEventListener('click', () => open(l, i, s, b));
    return b;
  }

  window.NDViewer = { open: open, cards: cards, thumb: thumb };
}());
