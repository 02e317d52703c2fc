// netdep vote state and one-tap votes (issue 17), shared by the gallery,
// the leaderboard, the entry page and the photo viewer.  ND.votes.load(slug,
// ids) asks GET /contests/{slug}/me/votes once per page (null when signed
// out); ND.votes.button(e, st, countEl, msgEl) makes an entry's button
// (ND.votes.login(contest) a signed-out visitor's, to the log-in page) and
// ND.votes.wire() wakes an existing one.  Every button and count of one
// entry shows the same state (a vote in the viewer shows on its card).  A
// tap is optimistic (voted, count + 1), rolled back with the API's
// Vietnamese message on failure; each tap has its own Idempotency-Key,
// CSRF goes through ND.api, a proof of work when the contest asks one.
'use strict';

(function () {
  const T = {
    vote: 'Bình chọn', voted: 'Đã bình chọn', own: 'Ảnh của bạn', thanks: 'Cảm ơn bạn đã bình chọn!',
    left: 'còn {n} lượt bình chọn hôm nay', login: 'Đăng nhập để bình chọn'
  };
  const { el, api, fill, num } = ND;
  const ui = []; // { b, e, st, countEl }

  async function load(slug, ids) {
    if (!ids.length || !(await ND.loadSession())) return null;
    const st = await api('GET', '/contests/' + encodeURIComponent(slug) + '/me/votes?entries=' + ids.join(','));
    st.voted = new Set(st.voted);
    st.own = new Set(st.own);
    st.asked = new Set(ids);
    return st;
  }

  function showLeft(st) {
    for (const p of document.querySelectorAll('.votes-left-today')) p.textContent = fill(p.dataset.left || T.left, { n: num(st.votes_left) });
  }

  function render(u) {
    const { b, e, st } = u, own = st.own.has(e.id), voted = st.voted.has(e.id);
    b.textContent = own ? T.own : voted ? T.voted : T.vote;
    b.setAttribute('aria-pressed', String(voted));
    b.disabled = own || voted || !st.open || e.busy === true;
    if (u.countEl && u.shown !== e.votes) {
      u.shown = e.votes;
      u.countEl.textContent = num(e.votes || 0) + (u.countEl.dataset.words ? ' ' + u.countEl.dataset.words : '');
    }
  }

  // Every button of entry e, wherever it is (card, row, viewer).
  function sync(e) {
    for (let i = ui.length - 1; i >= 0; i--) {
      const u = ui[i];
      if (!u.b.isConnected) ui.splice(i, 1);
      else if (u.e.id === e.id) { u.e.votes = e.votes; u.e.busy = e.busy; render(u); }
    }
  }

  // A solved challenge (static/pow.js, loaded the first time it is needed).
  async function powProof() {
    if (!window.NDPow) {
      await new Promise((resolve, reject) => {
        const sc = document.createElement('script');
        sc.src = '/pow.js';
        sc.onload = resolve;
        sc.onerror = reject;
        document.head.appendChild(sc);
      });
    }
    const c = await api('GET', '/challenge');
    return window.NDPow.solve(c.challenge);
  }

  async function post(id) {
    const headers = { 'Idempotency-Key': ND.uuid() };
    const c = await ND.contest().catch(() => null);
    if (c && c.vote_pow) headers['X-Altcha'] = await powProof();
    try {
      return await api('POST', '/entries/' + id + '/votes', { headers: headers });
    } catch (err) {
      // A contest may ask a proof of work per vote (issue 16); asked
      // since the page loaded, or the proof was refused: a fresh one.
      if (!['pow_required', 'pow_invalid', 'pow_reused'].includes(err.code)) throw err;
      headers['X-Altcha'] = await powProof();
      return api('POST', '/entries/' + id + '/votes', { headers: headers });
    }
  }

  async function cast(e, st, msgEl) {
    const before = e.votes || 0;
    e.busy = true;
    e.votes = before + 1;
    st.voted.add(e.id);
    sync(e);
    if (msgEl) { msgEl.textContent = ''; msgEl.className = 'msg'; }
    try {
      const r = await post(e.id);
      e.votes = r.vote_count;
      st.votes_left = r.votes_left;
      showLeft(st);
      if (msgEl) { msgEl.textContent = T.thanks; msgEl.className = 'msg ok'; }
    } catch (err) {
      e.votes = before;
      if (err.code !== 'already_voted') st.voted.delete(e.id);
      if (err.code === 'own_entry') st.own.add(e.id);
      if (err.code === 'voting_closed') st.open = false;
      if (err.code === 'budget_spent') { st.votes_left = 0; showLeft(st); }
      if (err.code === 'login_required') { location.assign(ND.loginUrl()); return; }
      if (msgEl) { msgEl.textContent = err.message; msgEl.className = 'msg bad'; }
    } finally {
      e.busy = false;
      sync(e);
    }
  }

  // Wakes button b for entry e (e.id a number, e.votes its count).
  function wire(b, e, st, countEl, msgEl) {
    const u = { b: b, e: e, st: st, countEl: countEl, shown: e.votes };
    b.dataset.entry = e.id;
    b.addEventListener('click', (ev) => { ev.preventDefault(); if (!b.disabled) cast(e, st, msgEl); });
    ui.push(u);
    render(u);
    return b;
  }

  function button(e, st, countEl, msgEl) {
    return wire(el('button', { type: 'button', class: 'vote-btn' }), e, st, countEl, msgEl);
  }

  // A signed-out visitor's vote button, while contest c takes votes: a
  // link to the log-in page, which brings them back here.
  function login(c) {
    if (!c || !['voting', 'submissions_and_voting'].includes(c.phase)) return null;
    return el('a', { class: 'vote-btn btn', href: ND.loginUrl(), title: T.login }, T.vote);
  }

  ND.votes = { load: load, button: button, wire: wire, showLeft: showLeft, sync: sync, login: login };
}());
