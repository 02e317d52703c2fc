// netdep gallery: approved entries with filters (category, unit), sort
// (newest, most voted, shuffled with a seed) and pages.  The whole state
// lives in the URL (?category=&unit=&sort=&seed=&cursor=&page=), so the
// back button, reloads and shared links show the same page.  The cursor is
// the opaque next_cursor of the page before (keyset pages: the API has no
// offset); the way back is remembered per tab in sessionStorage.  Active
// filters show as chips that clear them (issue 17); a photo opens the
// full-screen viewer (static/viewer.js).
'use strict';

(function () {
  const T = {
    title: 'Ảnh dự thi – {title} – netdep',
    votes: 'lượt bình chọn',
    page: 'Trang {n}',
    noShuffle: 'Máy chủ chưa hỗ trợ xếp ngẫu nhiên; ảnh đang được xếp mới nhất trước.',
    loadFailed: 'Không tải được ảnh dự thi: {msg}'
  };
  const LIMIT = 24;
  const { $, el, api, fill } = ND;
  const q = new URLSearchParams(location.search);

  function urlWith(changes) {
    const u = new URLSearchParams(location.search);
    for (const k of Object.keys(changes)) {
      if (changes[k] === null || changes[k] === '') u.delete(k); else u.set(k, changes[k]);
    }
    const s = u.toString();
    return '/gallery.html' + (s ? '?' + s : '');
  }

  function newSeed() {
    const b = new Uint32Array(1);
    crypto.getRandomValues(b);
    return String(1 + (b[0] % 2147483646));
  }

  function setupForm(c) {
    const sel = $('f-category');
    for (const cat of c.categories || []) sel.appendChild(el('option', { value: cat.id }, cat.name));
    sel.value = q.get('category') || '';
    $('f-unit').value = q.get('unit') || '';
    $('f-sort').value = ['new', 'votes', 'shuffle'].includes(q.get('sort')) ? q.get('sort') : 'new';
    // A filter change is a navigation (a new history entry), from page 1.
    $('filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const sort = $('f-sort').value;
      location.assign(urlWith({
        category: sel.value, unit: $('f-unit').value.trim(), sort: sort === 'new' ? null : sort,
        seed: sort === 'shuffle' ? (q.get('seed') || newSeed()) : null, cursor: null, page: null
      }));
    });
    for (const id of ['f-category', 'f-sort']) {
      $(id).addEventListener('change', () => $('filters').requestSubmit());
    }
  }

  // The cursor of the page before the one a cursor opens, if this tab
  // came that way ('' for the first page).
  const PREV_KEY = 'netdep-gallery-prev:';
  function prevOf(cursor) {
    try { return sessionStorage.getItem(PREV_KEY + cursor); } catch (e) { return null; }
  }
  function rememberPrev(next, cur) {
    try { sessionStorage.setItem(PREV_KEY + next, cur || ''); } catch (e) { /* private mode */ }
  }

  function pager(data) {
    const cur = q.get('cursor');
    const n = /^[1-9]\d{0,5}$/.test(q.get('page') || '') ? Number(q.get('page')) : (cur ? 2 : 1);
    const prev = $('prev');
    if (cur) {
      // Unknown way back (a shared link): the first page.
      const before = prevOf(cur);
      prev.href = urlWith({ cursor: before || null, page: before && n > 2 ? String(n - 1) : null });
      prev.hidden = false;
    }
    const next = $('next');
    if (data.next_cursor !== null && data.next_cursor !== undefined) {
      rememberPrev(data.next_cursor, cur);
      next.href = urlWith({ cursor: data.next_cursor, page: String(n + 1) });
      next.hidden = false;
    }
    if (cur || !next.hidden) $('page-no').textContent = fill(T.page, { n: n });
  }

  async function fetchPage(slug, sort) {
    const p = new URLSearchParams({ limit: String(LIMIT) });
    if (q.get('category')) p.set('category', q.get('category'));
    if (q.get('unit')) p.set('unit', q.get('unit'));
    if (sort !== 'new') p.set('sort', sort);
    if (sort === 'shuffle') p.set('seed', q.get('seed'));
    if (q.get('cursor')) p.set('cursor', q.get('cursor'));
    return api('GET', '/contests/' + encodeURIComponent(slug) + '/entries?' + p);
  }

  async function main() {
    const slug = await ND.contestSlug();
    if (!slug) { ND.showError('error', { message: ND.T.noContest }); return; }
    let sort = ['votes', 'shuffle'].includes(q.get('sort')) ? q.get('sort') : 'new';
    if (sort === 'shuffle' && !/^\d+$/.test(q.get('seed') || '')) {
      q.set('seed', newSeed());
      history.replaceState(null, '', urlWith({ seed: q.get('seed') }));
    }
    // The photos and the contest's details at the same time.
    const page = fetchPage(slug, sort);
    page.catch(() => {}); // its error is handled below
    const c = await ND.contest();
    if (!c) { ND.showError('error', { message: ND.T.noContest }); return; }
    document.title = fill(T.title, { title: c.title });
    $('contest-name').textContent = c.title;
    setupForm(c);
    const chips = () => ND.filterChips($('chips'), c);
    chips();
    ND.searchBox(c.slug, T.votes, chips);
    let data;
    try {
      data = await page;
    } catch (e) {
      if (sort !== 'shuffle' || e.status !== 400) throw e;
      $('notice').textContent = T.noShuffle;
      $('notice').hidden = false;
      sort = 'new';
      data = await fetchPage(slug, sort);
    }
    const list = data.entries || [];
    const st = await ND.votes.load(c.slug, list.map((e) => e.id)).catch(() => null);
    $('gallery').replaceChildren(...list.map((e, i) => {
      const li = ND.card(e, T.votes, i), count = li.querySelector('.votes');
      count.dataset.words = T.votes;
      const b = st ? ND.votes.button(e, st, count, $('vote-msg')) : ND.votes.login(c);
      if (b) li.appendChild(b);
      return li;
    }));
    // A tap on a photo opens the viewer; the title still leads to /e/{id}.
    NDViewer.cards($('gallery'), list, st);
    if (st) ND.votes.showLeft(st);
    $('gallery-empty').hidden = list.length > 0;
    const units = new Set(list.map((e) => (e.author && e.author.unit) || e.unit).filter(Boolean));
    $('units').replaceChildren(...[...units].sort().map((u) => el('option', { value: u })));
    pager(data);
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', { message: fill(T.loadFailed, { msg: e.message }) }));
  });
}());
