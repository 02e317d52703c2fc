// netdep staff pages (moderation.html, admin.html): the helpers both pages
// share.  The session, JSON calls with the CSRF token, DOM building with
// textContent only (user text is never parsed as HTML), dates in Vietnam
// time, and the "log in first" panel.  Loaded before the page's own script.
'use strict';

(function () {
  // Every string this file shows, in one place (a later English version
  // replaces this object).
  const TEXT = {
    locale: 'vi-VN',
    httpError: 'Lỗi máy chủ (HTTP {status}).',
    network: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
    loginTitle: 'Cần đăng nhập',
    loginLead: 'Trang này dành cho giám khảo và quản trị viên. Hãy đăng nhập để tiếp tục.',
    loginLink: 'Đến trang đăng nhập',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    loginButton: 'Đăng nhập',
    loginFailed: 'Đăng nhập không thành công: ',
    logout: 'Đăng xuất',
    forbidden: 'Tài khoản {name} không có quyền dùng trang này.'
  };

  const API = '/api/v1';
  let csrf = null;

  function $(id) { return document.getElementById(id); }

  // el('p', 'cls', 'text') or el('p', {class, hidden, ...attrs}, 'text').
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (typeof attrs === 'string') {
      e.className = attrs;
    } else if (attrs) {
      for (const k of Object.keys(attrs)) {
        const v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'hidden') e.hidden = true;
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fmt(s, vars) {
    return s.replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] !== undefined ? String(vars[k]) : m));
  }

  // An API error: .status, .code, .message (the server's, for a person),
  // .body (the parsed JSON, e.g. a 409's decided_by).
  class ApiError extends Error {
    constructor(status, code, message, body) {
      super(message);
      this.status = status;
      this.code = code;
      this.body = body;
    }
  }

  // call('GET', '/moderation/queue') -> parsed JSON.  State changes carry
  // the session's CSRF token.  Throws ApiError.
  async function call(method, path, body) {
    const opts = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET' && method !== 'HEAD') {
      if (csrf) opts.headers['X-CSRF-Token'] = csrf;
      if (body !== undefined) {
        opts.headers['Content-Type'] = 'application/json';
        opts.body = JSON.stringify(body);
      }
    }
    let r;
    try {
      r = await fetch(API + path, opts);
    } catch (e) {
      throw new ApiError(0, 'network', TEXT.network, null);
    }
    let data = null;
    const type = r.headers.get('Content-Type') || '';
    if (type.indexOf('json') >= 0) {
      try { data = await r.json(); } catch (e) { data = null; }
    }
    if (!r.ok) {
      const err = data && data.error ? data.error : {};
      throw new ApiError(r.status, err.code || 'http_' + r.status,
        err.message || fmt(TEXT.httpError, { status: r.status }), data);
    }
    return data;
  }

  // The session, or null when logged out.  Keeps the CSRF token.
  async function session() {
    try {
      const s = await call('GET', '/session');
      csrf = s.csrf_token;
      return s.user;
    } catch (e) {
      if (e.status === 401) return null;
      throw e;
    }
  }

  function fmtDate(s) {
    if (!s) return '';
    // dd/mm/yyyy hh:mm in Vietnam time whatever the locale (judgetext.js).
    if (window.JudgeText) return window.JudgeText.formatVnDate(s) || String(s);
    const d = new Date(s);
    if (isNaN(d)) return String(s);
    return d.toLocaleString(TEXT.locale, {
      timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric',
      hour: '2-digit', minute: '2-digit'
    });
  }

  // EXIF dates read "2024:05:01 10:00:00"; show them as 01/05/2024 10:00.
  function fmtExifDate(s) {
    if (!s) return '';
    const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})/.exec(s);
    return m ? m[3] + '/' + m[2] + '/' + m[1] + ' ' + m[4] + ':' + m[5] : String(s);
  }

  // <picture> with the WebP and JPEG variants of one derivative.
  function picture(webp, jpeg, alt, cls) {
    const pic = el('picture', cls || null);
    if (webp) pic.appendChild(el('source', { type: 'image/webp', srcset: webp }));
    const img = el('img', { alt: alt || '', decoding: 'async' });
    if (jpeg) img.src = jpeg;
    pic.appendChild(img);
    return pic;
  }

  // Logged out: the site's login page when there is one, else a small form
  // in place of the page.  nextPath is where to come back.
  async function requireLogin(container, nextPath, onLoggedIn) {
    let hasLoginPage = false;
    try {
      const r = await fetch('/login.html', { method: 'HEAD', credentials: 'same-origin' });
      hasLoginPage = r.ok;
    } catch (e) { hasLoginPage = false; }
    const href = '/login.html?next=' + encodeURIComponent(nextPath);
    if (hasLoginPage) {
      location.replace(href);
      return;
    }
    const box = el('section', { class: 'login-box', 'aria-labelledby': 'login-h' });
    box.appendChild(el('h1', { id: 'login-h' }, TEXT.loginTitle));
    box.appendChild(el('p', null, TEXT.loginLead));
    const form = el('form', { id: 'login-form', novalidate: true });
    const u = el('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true });
    const p = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const lu = el('label', { for: 'login-username' }, TEXT.username);
    const lp = el('label', { for: 'login-password' }, TEXT.password);
    const msg = el('p', { class: 'error', role: 'alert', hidden: true });
    const btn = el('button', { type: 'submit', class: 'btn primary' }, TEXT.loginButton);
    form.append(lu, u, lp, p, msg, btn);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      btn.disabled = true;
      msg.hidden = true;
      try {
        const s = await call('POST', '/session', { username: u.value.trim(), password: p.value });
        csrf = s.csrf_token;
        box.remove();
        onLoggedIn(s.user);
      } catch (e) {
        msg.textContent = TEXT.loginFailed + e.message;
        msg.hidden = false;
        btn.disabled = false;
        p.focus();
      }
    });
    box.appendChild(form);
    box.appendChild(el('p', null)).appendChild(el('a', { href: href }, TEXT.loginLink));
    container.replaceChildren(box);
    u.focus();
  }

  function forbidden(container, user) {
    container.replaceChildren(el('p', { class: 'error', role: 'alert' },
      fmt(TEXT.forbidden, { name: user.display_name + ' (' + user.username + ')' })));
  }

  async function logout() {
    try { await call('DELETE', '/session'); } catch (e) { /* already out */ }
    location.reload();
  }

  // The user's contests to judge (slugs), or null for "every contest".
  function judgeScope(user) {
    if (user.is_admin) return null;
    const slugs = [];
    for (const r of user.roles || []) {
      if (r.role === 'admin' || r.role === 'judge') {
        if (!r.contest) return null;
        slugs.push(r.contest);
      }
    }
    return slugs;
  }

  window.Staff = {
    TEXT, $, el, fmt, call, session, fmtDate, fmtExifDate, picture,
    requireLogin, forbidden, logout, judgeScope, ApiError
  };
})();
