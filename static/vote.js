// netdep vote state and one-tap votes (issue 17), shared by the gallery,
// the leaderboard and the entry page.  ND.votes.load(slug, ids) asks
// GET /contests/{slug}/me/votes once per page (nothing when signed out);
// ND.votes.button(e, st, countEl) makes an entry's button: optimistic
// (voted at once, count + 1), rolled back with the API's Vietnamese
// message on failure; each tap has its own Idempotency-Key (CSRF via api).
'use strict';

(function () {
  const T = { vote: 'Bình chọn', voted: 'Đã bình chọn', own: 'Ảnh của bạn', left: 'còn {n} lượt bình chọn hôm nay' };
  const { el, api, fill, num } = ND;

  async function load(slug, ids) {
    if (!ids.length || !(await ND.loadSession())) return null;
    const st = await api('GET', '/contests/' + encodeURIComponent(slug) + '/me/votes?entries=' + ids.join(','));
    st.voted = new Set(st.voted);
    st.own = new Set(st.own);
    return st;
  }

  function showLeft(st) {
    for (const p of document.querySelectorAll('.votes-left-today')) p.textContent = fill(T.left, { n: num(st.votes_left) });
  }

  function button(e, st, countEl, msgEl) {
    const b = el('button', { type: 'button', class: 'vote-btn', 'data-entry': e.id }, T.vote);
    const set = (voted) => { b.textContent = voted ? T.voted : T.vote; b.setAttribute('aria-pressed', String(voted)); };
    if (st && st.own.has(e.id)) { b.textContent = T.own; b.disabled = true; return b; }
    set(!!(st && st.voted.has(e.id)));
    b.disabled = !st || !st.open || st.voted.has(e.id);
    b.addEventListener('click', async () => {
      const before = countEl ? countEl.textContent : null;
      b.disabled = true;
      set(true);
      if (countEl) countEl.textContent = num((e.votes || 0) + 1) + ' ' + (countEl.dataset.words || '');
      try {
        const r = await api('POST', '/entries/' + e.id + '/votes', { headers: { 'Idempotency-Key': ND.uuid() } });
        e.votes = r.vote_count;
        st.voted.add(e.id);
        st.votes_left = r.votes_left;
        if (countEl) countEl.textContent = num(r.vote_count) + ' ' + (countEl.dataset.words || '');
        showLeft(st);
      } catch (err) {
        const kept = err.code === 'already_voted';
        set(kept);
        b.disabled = kept;
        if (countEl && !kept) countEl.textContent = before;
        if (msgEl) { msgEl.textContent = err.message; msgEl.className = 'msg bad'; }
      }
    });
    return b;
  }

  ND.votes = { load: load, button: button, showLeft: showLeft };
}());
