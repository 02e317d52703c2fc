// netdep entry page (/e/{id}, rendered by the server): the vote button
// with the count and the votes left today, and copy-link.  Each click
// sends its own Idempotency-Key, and the button stays disabled while the
// vote is in flight, so a double tap never counts twice.
'use strict';

(function () {
  const T = {
    vote: 'Bình chọn',
    voting: 'Đang gửi lượt bình chọn…',
    voted: 'Đã bình chọn',
    own: 'Ảnh của bạn',
    loginToVote: 'Đăng nhập để bình chọn',
    thanks: 'Cảm ơn bạn đã bình chọn!',
    left: 'Hôm nay bạn còn {n} lượt bình chọn.',
    perDay: 'Mỗi tài khoản có {n} lượt bình chọn mỗi ngày.',
    closed: 'Cuộc thi hiện không mở bình chọn ({phase}).',
    category: 'Thể loại: {c}',
    copied: 'Đã sao chép liên kết.',
    copyFailed: 'Không sao chép được; hãy chọn và sao chép liên kết bên dưới.'
  };
  const { $, api, fill, num } = ND;
  let main, id, button;

  function say(text, ok) {
    const p = $('vote-msg');
    p.textContent = text;
    p.className = 'msg ' + (ok ? 'ok' : 'bad');
  }

  function setLeft(n) {
    if (n === undefined || n === null) return;
    $('votes-left').textContent = fill(T.left, { n: num(n) });
  }

  function done(label) {
    button.textContent = label;
    button.disabled = true;
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

  async function vote() {
    if (!ND.session.user && !(await ND.loadSession(true))) { location.assign(ND.loginUrl()); return; }
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = T.voting;
    say('', true);
    try {
      const headers = { 'Idempotency-Key': ND.uuid() };
      let r;
      try {
        r = await api('POST', '/entries/' + id + '/votes', { headers: headers });
      } catch (e) {
        // A contest may ask a proof of work per vote (issue 16): solve a
        // fresh challenge and send the vote once more with it.
        if (!['pow_required', 'pow_invalid', 'pow_reused'].includes(e.code)) throw e;
        headers['X-Altcha'] = await powProof();
        r = await api('POST', '/entries/' + id + '/votes', { headers: headers });
      }
      $('vote-count').textContent = num(r.vote_count);
      setLeft(r.votes_left);
      say(T.thanks, true);
      done(T.voted);
    } catch (e) {
      say(e.message, false);
      if (e.code === 'already_voted') done(T.voted);
      else if (e.code === 'login_required') { location.assign(ND.loginUrl()); return; } else if (e.code === 'budget_spent') { setLeft(0); done(T.vote); } else if (e.code === 'own_entry' || e.code === 'voting_closed' || e.code === 'not_approved') done(T.vote);
      else { button.disabled = false; button.textContent = T.vote; }
      if (e.body && e.body.votes_left !== undefined) setLeft(e.body.votes_left);
    } finally {
      button.removeAttribute('aria-busy');
    }
  }

  async function copyLink() {
    const input = $('share-url');
    try {
      await navigator.clipboard.writeText(input.value);
      $('copy-msg').textContent = T.copied;
    } catch (e) {
      input.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
      $('copy-msg').textContent = ok ? T.copied : T.copyFailed;
    }
  }

  async function start() {
    main = $('main');
    id = main.dataset.entry;
    button = $('vote');
    $('copy-link').addEventListener('click', copyLink);
    // The phone's own share sheet where it has one; Facebook, Zalo and
    // copy-link stay for the rest (issue 17).
    if (navigator.share) {
      $('share-native').hidden = false;
      $('share-native').addEventListener('click', () => {
        navigator.share({ title: document.title, url: $('share-url').value }).catch(() => {});
      });
    }
    button.addEventListener('click', vote);
    const [user, c, data] = await Promise.all([ND.loadSession(), ND.contest(), api('GET', '/entries/' + id)]);
    const e = data.entry;
    $('vote-count').textContent = num(e.votes);
    if (e.category && e.category.name) {
      $('category').textContent = fill(T.category, { c: e.category.name });
      $('category').hidden = false;
    }
    const open = c && (c.phase === 'voting' || c.phase === 'submissions_and_voting');
    if (c) $('votes-left').textContent = fill(T.perDay, { n: num(c.votes_per_day) });
    setLeft(e.votes_left !== undefined ? e.votes_left : e.my_votes_left);
    if (!open) {
      button.disabled = true;
      say(fill(T.closed, { phase: c ? ND.phase(c.phase) : '' }), false);
      return;
    }
    button.textContent = user ? T.vote : T.loginToVote;
    // The voter's state (issue 17): voted this period, own entry, budget.
    const st = user ? await ND.votes.load(main.dataset.contest, [Number(id)]).catch(() => null) : null;
    if (st) setLeft(st.votes_left);
    if (st && st.own.has(Number(id))) done(T.own);
    else if (st && st.voted.has(Number(id))) done(T.voted);
    else button.disabled = false;
  }

  document.addEventListener('DOMContentLoaded', () => {
    start().catch((e) => say(e.message, false));
  });
}());
