// netdep "my entries": the caller's entries in every status (with the
// rejection reason), edit while pending, withdraw while submissions are
// open, and the upload form: type and size checked before sending, a
// preview, and a real progress bar fed by XMLHttpRequest upload events.
'use strict';

(function () {
  const T = {
    who: 'Đăng nhập với tên {name}',
    closed: 'Cuộc thi “{title}” hiện không nhận ảnh ({phase}).',
    pickCategory: '— Chọn thể loại —',
    maxInfo: 'JPEG, PNG hoặc WebP; tối đa {mb} MB; cạnh ngắn ít nhất {px} điểm ảnh. Mỗi người gửi tối đa {n} ảnh.',
    noFile: 'Hãy chọn một ảnh để gửi.',
    noTitle: 'Hãy đặt tên cho ảnh.',
    noCategory: 'Hãy chọn thể loại cho ảnh.',
    noConsent: 'Hãy đánh dấu ô đồng ý với thể lệ và việc công bố ảnh.',
    badType: 'Tệp “{name}” không phải ảnh JPEG, PNG, WebP, HEIC hoặc AVIF.',
    tooBig: 'Ảnh nặng {size}, vượt giới hạn {mb} MB của cuộc thi. Hãy chọn ảnh nhỏ hơn.',
    tooSmall: 'Ảnh {w}×{h} điểm ảnh quá nhỏ: cạnh ngắn cần ít nhất {px} điểm ảnh.',
    previewInfo: '{w}×{h} điểm ảnh · {size}',
    left: 'Bạn còn {n} lượt gửi ảnh (tối đa {max} ảnh).',
    noneLeft: 'Bạn đã dùng hết {max} lượt gửi ảnh. Rút một ảnh đang chờ duyệt để gửi ảnh khác.',
    noPreview: 'Không xem trước được ảnh này; máy chủ sẽ kiểm tra khi gửi.',
    uploading: 'Đang tải ảnh lên…',
    processing: 'Đã tải lên 100%. Máy chủ đang xử lý ảnh…',
    done: 'Đã gửi ảnh “{title}”. Ảnh đang chờ ban tổ chức duyệt.',
    votes: '{n} lượt bình chọn',
    sent: 'Gửi lúc {d}',
    reason: 'Lý do từ chối: {r}',
    view: 'Xem trang ảnh',
    edit: 'Sửa',
    save: 'Lưu',
    cancel: 'Hủy',
    saved: 'Đã lưu thay đổi.',
    withdraw: 'Rút ảnh',
    confirmWithdraw: 'Bấm lần nữa để rút ảnh',
    withdrawn: 'Đã rút ảnh.',
    purged: 'Ảnh đã được xóa khỏi máy chủ sau thời hạn lưu.',
    titleLabel: 'Tên ảnh',
    captionLabel: 'Câu chuyện',
    otherContest: 'Cuộc thi: {c}',
    loadFailed: 'Không tải được ảnh của bạn: {msg}'
  };
  const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'image/avif'];
  const { $, el, api, fill, num } = ND;
  // Sizes in human units: "22 KB", "3,4 MB", never a zero number of MB (docs/glossary.md).
  const mb = (b) => (b < 1048576 ? num(Math.max(1, Math.round(b / 1024))) + ' KB'
    : new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(b / 1048576) + ' MB');
  const contests = {};
  let current = null;
  let fileProblem = null;
  let previewUrl = null;

  function say(target, text, ok) {
    const p = $(target);
    p.textContent = text || '';
    p.className = 'msg ' + (ok ? 'ok' : 'bad');
  }

  async function contestOf(slug) {
    if (!contests[slug]) {
      contests[slug] = api('GET', '/contests/' + encodeURIComponent(slug)).then((d) => d.contest).catch(() => null);
    }
    return contests[slug];
  }

  function open(c) { return c && (c.phase === 'submissions' || c.phase === 'submissions_and_voting'); }

  // --- upload form -------------------------------------------------------

  function setupUpload(c) {
    $('up-contest').textContent = c.title;
    $('photo-hint').textContent = fill(T.maxInfo, {
      mb: num(Math.floor(c.max_bytes / 1048576)), px: num(c.min_short_side), n: num(c.max_entries)
    });
    if (!open(c)) {
      $('up-closed').textContent = fill(T.closed, { title: c.title, phase: ND.phase(c.phase) });
      $('up-closed').hidden = false;
      $('up-form').hidden = true;
      return;
    }
    const cats = c.categories || [];
    if (cats.length) {
      const sel = $('category');
      sel.replaceChildren(el('option', { value: '' }, T.pickCategory),
        ...cats.map((k) => el('option', { value: k.id }, k.name)));
      $('cat-row').hidden = false;
      sel.required = true;
    }
    $('photo').addEventListener('change', () => checkFile(c));
    $('up-form').addEventListener('submit', (ev) => { ev.preventDefault(); send(c); });
  }

  // Uploads left: an entry holds one of the contest's max_entries slots
  // while it is pending or approved (the entries table's CHECK).
  function showLeft(c, list) {
    const used = list.filter((e) => e.contest === c.slug && (e.status === 'pending' || e.status === 'approved')).length;
    const n = Math.max(0, c.max_entries - used);
    $('up-left').textContent = fill(n ? T.left : T.noneLeft, { n: num(n), max: num(c.max_entries) });
    $('up-left').className = 'up-left' + (n ? '' : ' bad');
    $('photo').disabled = $('up-submit').disabled = n === 0;
  }

  function checkFile(c) {
    const f = $('photo').files[0];
    fileProblem = null;
    say('up-msg', '');
    $('preview').hidden = true;
    $('progress-box').hidden = true;
    if (previewUrl) { URL.revokeObjectURL(previewUrl); previewUrl = null; }
    if (!f) return;
    const ext = (f.name.split('.').pop() || '').toLowerCase();
    // Some browsers give a phone's HEIC no type or application/octet-stream:
    // the extension decides then; the server reads the bytes anyway.
    if (!TYPES.includes(f.type) && !(['', 'application/octet-stream'].includes(f.type) && ['heic', 'heif', 'avif'].includes(ext))) {
      fileProblem = fill(T.badType, { name: f.name });
    } else if (f.size > c.max_bytes) {
      fileProblem = fill(T.tooBig, { size: mb(f.size), mb: num(Math.floor(c.max_bytes / 1048576)) });
    }
    if (fileProblem) { say('up-msg', fileProblem); return; }
    previewUrl = URL.createObjectURL(f);
    const img = $('preview-img');
    img.onload = () => {
      const w = img.naturalWidth, h = img.naturalHeight;
      $('preview-info').textContent = fill(T.previewInfo, { w: num(w), h: num(h), size: mb(f.size) });
      if (Math.min(w, h) < c.min_short_side) {
        fileProblem = fill(T.tooSmall, { w: num(w), h: num(h), px: num(c.min_short_side) });
        say('up-msg', fileProblem);
      }
    };
    img.onerror = () => {
      $('preview').hidden = true;
      say('up-msg', T.noPreview, true);
    };
    img.src = previewUrl;
    $('preview').hidden = false;
  }

  function setProgress(pct) {
    const p = $('progress');
    p.value = pct;
    p.dataset.events = String(Number(p.dataset.events || 0) + 1);
    $('progress-text').textContent = pct + '%';
  }

  function send(c) {
    const f = $('photo').files[0];
    const title = $('title').value.trim();
    let problem = !f ? T.noFile : fileProblem || (!title ? T.noTitle : null);
    if (!problem && !$('cat-row').hidden && !$('category').value) problem = T.noCategory;
    if (!problem && !$('up-consent').checked) problem = T.noConsent;
    if (problem) { say('up-msg', problem); return; }
    const fd = new FormData();
    fd.append('title', title);
    fd.append('caption', $('caption').value.trim());
    if (!$('cat-row').hidden) fd.append('category', $('category').value);
    fd.append('consent', 'yes');
    fd.append('photo', f, f.name);
    const xhr = new XMLHttpRequest();
    const button = $('up-submit');
    button.disabled = true;
    $('progress-box').hidden = false;
    $('progress').dataset.events = '0';
    setProgress(0);
    say('up-msg', T.uploading, true);
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) setProgress(Math.min(100, Math.floor(ev.loaded * 100 / ev.total)));
    });
    xhr.upload.addEventListener('load', () => { setProgress(100); say('up-msg', T.processing, true); });
    xhr.addEventListener('load', () => {
      button.disabled = false;
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201) {
        say('up-msg', fill(T.done, { title: title }), true);
        $('up-form').reset();
        $('preview').hidden = true;
        loadMine().catch((e) => ND.showError('error', e));
        return;
      }
      const err = ND.errorFrom(xhr.status, body);
      say('up-msg', err.code === 'image_too_small' && c.min_short_side
        ? err.message + ' (' + num(c.min_short_side) + ')' : err.message);
      if (err.code === 'login_required') location.assign(ND.loginUrl());
    });
    xhr.addEventListener('error', () => { button.disabled = false; say('up-msg', ND.T.network); });
    xhr.open('POST', '/api/v1/contests/' + encodeURIComponent(c.slug) + '/entries');
    xhr.setRequestHeader('X-CSRF-Token', ND.session.csrf || '');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.send(fd);
  }

  // --- my entries --------------------------------------------------------

  function editForm(e, li, msg) {
    const form = el('form', { class: 'form' });
    const tid = 'edit-title-' + e.id, cid = 'edit-caption-' + e.id;
    const p1 = el('p');
    p1.append(el('label', { for: tid }, T.titleLabel));
    const ti = el('input', { id: tid, name: 'title', maxlength: 120, required: true });
    ti.value = e.title;
    p1.append(ti);
    const p2 = el('p');
    p2.append(el('label', { for: cid }, T.captionLabel));
    const ca = el('textarea', { id: cid, name: 'caption', maxlength: 2000, rows: 3 });
    ca.value = e.caption || '';
    p2.append(ca);
    const p3 = el('p', { class: 'actions' });
    const save = el('button', { class: 'btn primary small', type: 'submit' }, T.save);
    const cancel = el('button', { class: 'btn small', type: 'button' }, T.cancel);
    p3.append(save, cancel);
    form.append(p1, p2, p3);
    cancel.addEventListener('click', () => form.remove());
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!ti.value.trim()) { say(msg, T.noTitle); return; }
      save.disabled = true;
      try {
        await api('PATCH', '/entries/' + e.id, { json: { title: ti.value.trim(), caption: ca.value.trim() } });
        say(msg, T.saved, true);
        await loadMine();
      } catch (err) {
        save.disabled = false;
        say(msg, ND.missing(err) ? ND.T.notReady : err.message);
      }
    });
    li.appendChild(form);
    ti.focus();
  }

  async function withdraw(e, button, msg) {
    if (button.dataset.armed !== '1') {
      button.dataset.armed = '1';
      button.textContent = T.confirmWithdraw;
      return;
    }
    button.disabled = true;
    try {
      await api('DELETE', '/entries/' + e.id);
      say(msg, T.withdrawn, true);
      await loadMine();
    } catch (err) {
      button.disabled = false;
      say(msg, ND.missing(err) ? ND.T.notReady : err.message);
    }
  }

  function item(e, c) {
    const li = el('li', { id: 'entry-' + e.id });
    // The janitor removed the files of a long-closed entry: no picture.
    li.appendChild(e.files_purged_at ? el('p', { class: 'muted' }, T.purged) : ND.picture(e.media, e.title));
    const info = el('div');
    info.appendChild(el('h3', null, e.title));
    const st = el('p');
    st.appendChild(el('span', { class: 'status ' + e.status }, ND.T.status[e.status] || e.status));
    if (e.status === 'approved') st.append(' · ' + fill(T.votes, { n: num(e.votes) }));
    info.appendChild(st);
    if (e.status === 'rejected' && e.reject_reason) info.appendChild(el('p', { class: 'reason' }, fill(T.reason, { r: e.reject_reason })));
    if (e.category && e.category.name) info.appendChild(el('p', { class: 'muted' }, e.category.name));
    info.appendChild(el('p', { class: 'muted' }, fill(T.sent, { d: ND.date(e.created_at) })));
    if (!current || e.contest !== current.slug) info.appendChild(el('p', { class: 'muted' }, fill(T.otherContest, { c: c ? c.title : e.contest })));
    li.appendChild(info);
    const tools = el('div', { class: 'tools' });
    const msgId = 'msg-' + e.id;
    if (e.status === 'approved') tools.appendChild(el('a', { class: 'btn small', href: '/e/' + e.id }, T.view));
    if (e.status === 'pending') {
      const b = el('button', { class: 'btn small', type: 'button' }, T.edit);
      b.addEventListener('click', () => { if (!li.querySelector('form')) editForm(e, li, msgId); });
      tools.appendChild(b);
    }
    if ((e.status === 'pending' || e.status === 'approved') && (!c || open(c))) {
      const b = el('button', { class: 'btn small', type: 'button' }, T.withdraw);
      b.addEventListener('click', () => withdraw(e, b, msgId));
      tools.appendChild(b);
    }
    tools.appendChild(el('p', { id: msgId, class: 'msg', role: 'status' }));
    li.appendChild(tools);
    return li;
  }

  async function loadMine() {
    const data = await api('GET', '/me/entries');
    const list = data.entries || [];
    const cs = await Promise.all(list.map((e) => contestOf(e.contest)));
    $('mine').replaceChildren(...list.map((e, i) => item(e, cs[i])));
    $('list-empty').hidden = list.length > 0;
    if (current && open(current)) showLeft(current, list);
  }

  async function main() {
    const user = await ND.loadSession(true);
    if (!user) { location.replace(ND.loginUrl()); return; }
    $('who').textContent = fill(T.who, { name: user.display_name });
    $('logout').hidden = false;
    $('logout').addEventListener('click', async () => { await ND.logout(); location.assign('/'); });
    current = await ND.contest();
    if (current) {
      contests[current.slug] = Promise.resolve(current);
      setupUpload(current);
    } else {
      $('upload').hidden = true;
    }
    await loadMine();
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', { message: fill(T.loadFailed, { msg: e.message }) }));
  });
}());
