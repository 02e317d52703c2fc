// netdep entry page (/e/{id}, rendered by the server): the vote button
// (static/vote.js: the voter's state on load, one tap, each click its own
// Idempotency-Key, disabled while in flight so a double tap never counts
// twice) with the count and the votes left today, the photo viewer
// (static/viewer.js), and copy-link.
'use strict';

(function () {
  const T = {
    loginToVote: 'Đăng nhập để bình chọn',
    left: 'Hôm nay bạn còn {n} lượt bình chọn.',
    perDay: 'Mỗi tài khoản có {n} lượt bình chọn mỗi ngày.',
    closed: 'Cuộc thi hiện không mở bình chọn ({phase}).',
    category: 'Thể loại: {c}',
    copied: 'Đã sao chép liên kết.',
    copyFailed: 'Không sao chép được; hãy chọn và sao chép liên kết bên dưới.'
  };
  const { $, api, fill, num } = ND;

  function say(text, ok) {
    const p = $('vote-msg');
    p.textContent = text;
    p.className = 'msg ' + (ok ? 'ok' : 'bad');
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
    const main = $('main'), id = main.dataset.entry, button = $('vote');
    $('copy-link').addEventListener('click', copyLink);
    // The phone's own share sheet where it has one; Facebook, Zalo and
    // copy-link stay for the rest (issue 17).
    if (navigator.share) {
      $('share-native').hidden = false;
      $('share-native').addEventListener('click', () => {
        navigator.share({ title: document.title, url: $('share-url').value }).catch(() => {});
      });
    }
    const [user, c, data] = await Promise.all([ND.loadSession(), ND.contest(), api('GET', '/entries/' + id)]);
    const e = data.entry;
    e.id = Number(id);
    $('vote-count').textContent = num(e.votes);
    if (e.category && e.category.name) {
      $('category').textContent = fill(T.category, { c: e.category.name });
      $('category').hidden = false;
    }
    const open = c && (c.phase === 'voting' || c.phase === 'submissions_and_voting');
    if (c) $('votes-left').textContent = fill(T.perDay, { n: num(c.votes_per_day) });
    // The voter's state (issue 17): voted this period, own entry, budget;
    // the button is vote.js's, the same one as the viewer's and the cards'.
    const st = user ? await ND.votes.load(main.dataset.contest, [e.id]).catch(() => null) : null;
    if (st) {
      st.open = st.open && !!open;
      $('votes-left').dataset.left = T.left;
      $('votes-left').classList.add('votes-left-today');
      ND.votes.wire(button, e, st, $('vote-count'), $('vote-msg'));
      ND.votes.showLeft(st);
    }
    // The photo opens the full-screen viewer (static/viewer.js).
    const fig = main.querySelector('.photo');
    fig.prepend(NDViewer.thumb(fig.querySelector('picture'), [e], 0, st));
    if (!open) {
      button.disabled = true;
      say(fill(T.closed, { phase: c ? ND.phase(c.phase) : '' }), false);
      return;
    }
    if (!st) {
      button.textContent = T.loginToVote;
      button.disabled = false;
      button.addEventListener('click', () => location.assign(ND.loginUrl()));
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    start().catch((e) => say(e.message, false));
  });
}());
