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
  const { $, api, fill, el } = ND;
  const next = ND.safeNext(ND.param('next'));

  // The browser's own checks, said in Vietnamese, each next to its field
  // (issue 17): checked as the person types once the field was left or
  // the form sent, every problem shown at once, nothing typed is lost.
  function problem(input) {
    const v = input.validity;
    const field = ND.T.fields[input.name] || input.name;
    if (v.valueMissing || (input.required && !input.value.trim())) return fill(T.required, { field: field });
    if (v.tooShort) return fill(T.short, { field: field, n: input.minLength });
    if (v.patternMismatch) return T.pattern;
    if (v.typeMismatch) return T.email;
    return null;
  }

  function fields(form) {
    return [...form.querySelectorAll('input[name]')].filter((i) => i.type !== 'hidden' && i.type !== 'checkbox');
  }

  function mark(input, msg) {
    const err = $(input.id + '-err');
    err.textContent = msg || '';
    err.hidden = !msg;
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  function check(form) {
    let first = null;
    for (const input of fields(form)) {
      if (input.disabled) continue;
      const msg = problem(input);
      mark(input, msg);
      input.dataset.touched = '1';
      if (msg && !first) first = input;
    }
    if (first) first.focus();
    return first;
  }

  function live(form) {
    for (const input of fields(form)) {
      const err = el('span', { id: input.id + '-err', class: 'field-err', hidden: true });
      input.after(err);
      const by = input.getAttribute('aria-describedby');
      input.setAttribute('aria-describedby', (by ? by + ' ' : '') + err.id);
      const again = () => { if (input.dataset.touched) mark(input, problem(input)); };
      input.addEventListener('input', again);
      input.addEventListener('blur', () => { input.dataset.touched = '1'; again(); });
    }
  }

  // A server's refusal of one field ("Field X ..." or a taken username)
  // goes next to that field; anything else above the button.
  function serverField(form, e) {
    const m = e.code === 'username_taken' ? ['', 'username']
      : /^Field (\w+)/.exec((e.body && e.body.error && e.body.error.message) || '');
    const input = m && form.querySelector('input[name="' + m[1] + '"]');
    if (!input || input.type === 'hidden') return false;
    mark(input, e.message);
    input.focus();
    return true;
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
    live(form);
    const button = $('submit');
    const label = button.textContent;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      $('error').hidden = true;
      if (check(form)) return;
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
        if (!serverField(form, e)) ND.showError('error', e);
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
