// netdep login and registration.  Both go back to ?next= (a path of this
// site only) when done; registration logs the new account in at once.
'use strict';

(function () {
  const T = {
    required: '{field}: vui lòng nhập.',
    short: '{field}: cần ít nhất {n} ký tự.',
    pattern: 'Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch dưới, gạch ngang.',
    email: 'Thư điện tử chưa đúng dạng.',
    busy: 'Đang gửi…',
    proving: 'Đang xác minh bạn không phải máy…'
  };
  const { $, api, fill } = ND;
  const next = ND.safeNext(ND.param('next'));

  // The browser's own checks, said in Vietnamese; the first problem wins.
  function check(form) {
    for (const input of form.querySelectorAll('input')) {
      const v = input.validity;
      const field = ND.T.fields[input.name] || input.name;
      let msg = null;
      if (v.valueMissing || (input.required && !input.value.trim())) msg = fill(T.required, { field: field });
      else if (v.tooShort) msg = fill(T.short, { field: field, n: input.minLength });
      else if (v.patternMismatch) msg = T.pattern;
      else if (v.typeMismatch) msg = T.email;
      if (msg) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return msg;
      }
      input.removeAttribute('aria-invalid');
    }
    return null;
  }

  // Sends the form; when the server asks for a proof of work (a busy
  // address, an account under attack: cgi/brake.h), solves it here and
  // sends once more with the answer.
  async function send(path, body, button) {
    try {
      return await api('POST', path, { json: body });
    } catch (e) {
      const ch = e.code === 'challenge_required' && e.body && e.body.error
        ? e.body.error.challenge : null;
      if (!ch || !window.NDPow) throw e;
      button.textContent = T.proving;
      body.altcha = await NDPow.solve(ch);
      return api('POST', path, { json: body });
    }
  }

  function setup(form, path) {
    const button = $('submit');
    const label = button.textContent;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      $('error').hidden = true;
      const bad = check(form);
      if (bad) { ND.showError('error', { message: bad }); return; }
      const body = {};
      for (const input of form.querySelectorAll('input')) {
        if (!input.name || input.disabled) continue;
        if (input.type === 'checkbox' && !input.checked) continue;
        const v = input.type === 'password' ? input.value : input.value.trim();
        if (v !== '') body[input.name] = v;
      }
      button.disabled = true;
      button.textContent = T.busy;
      try {
        ND.setSession(await send(path, body, button));
        location.assign(next);
      } catch (e) {
        ND.showError('error', e);
        button.disabled = false;
        button.textContent = label;
      }
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    const sw = $('switch');
    if (sw && next !== '/') sw.href += '?next=' + encodeURIComponent(next);
    if ($('login-form')) setup($('login-form'), '/session');
    if ($('register-form')) setup($('register-form'), '/accounts');
  });
}());
