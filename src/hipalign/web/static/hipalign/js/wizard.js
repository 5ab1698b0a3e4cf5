// The onboarding form as steps: one fieldset at a time, Next/Back, focus on the step heading.
// Without this script the whole form shows at once and still works.
(function () {
  'use strict';
  const form = document.getElementById('onboarding');
  if (!form) return;
  const { gettext } = window.hipalignWords; // words.js: the page's words
  document.documentElement.classList.add('js');
  const steps = Array.from(form.querySelectorAll('fieldset.step'));
  const marks = Array.from(form.querySelectorAll('.wizard-steps li'));
  const nav = form.querySelector('.wizard-nav');
  const submit = nav.querySelector('button[type="submit"]');
  const back = document.createElement('button');
  back.type = 'button'; back.textContent = gettext('Back'); back.dataset.testid = 'wizard-back';
  const next = document.createElement('button');
  next.type = 'button'; next.textContent = gettext('Next'); next.className = 'primary'; next.dataset.testid = 'wizard-next';
  nav.prepend(back, next);
  // Start on the first step with an error, if the server sent the form back.
  let current = Math.max(0, steps.findIndex((s) => s.querySelector('.has-error')));

  function unanswered(step) {
    // The step's required answers left open, in page order, as each question's first input:
    // radio groups (the safety questions, pregnancy) and required boxes (age) left empty.
    const seen = new Set();
    return Array.from(step.querySelectorAll('input, select, textarea')).filter((el) => {
      if (el.type === 'radio') {
        if (seen.has(el.name)) return false;
        seen.add(el.name);
        return !step.querySelector(`input[name="${el.name}"]:checked`);
      }
      return el.required && el.type !== 'hidden' && !el.value.trim();
    });
  }

  // A question's message sits in its own .field, under the id the server gives it
  // (_field.html: <auto_id>_error), and its inputs point to it (aria-describedby/-invalid).
  function inputsOf(field) { return Array.from(field.querySelectorAll('input, select, textarea')); }
  function errorId(field) {
    const group = field.querySelector('fieldset[id]');
    return `${group ? group.id : inputsOf(field)[0].id}_error`;
  }
  function describedBy(el, id, on) {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
    if (on) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' ')); else el.removeAttribute('aria-describedby');
  }
  function described(field) { return field.querySelector('fieldset[id]') ? [field.querySelector('fieldset[id]')] : inputsOf(field); }

  function markOpen(el, left) {
    const field = el.closest('.field');
    const id = errorId(field);
    let msg = document.getElementById(id);
    if (!msg) { msg = document.createElement('p'); msg.id = id; msg.className = 'error'; field.appendChild(msg); }
    msg.classList.add('step-error');
    msg.setAttribute('role', 'alert');
    msg.textContent = left > 1
      ? gettext('Please answer this question (%(n)s questions on this step are still open).').replace('%(n)s', String(left))
      : gettext('Please answer this question.');
    field.classList.add('has-error');
    inputsOf(field).forEach((i) => i.setAttribute('aria-invalid', 'true'));
    described(field).forEach((d) => describedBy(d, id, true));
    el.focus();
  }

  function answered(field) {
    const choices = field.querySelectorAll('input[type="radio"], input[type="checkbox"]');
    if (choices.length) return field.querySelector('input:checked') !== null;
    return inputsOf(field).some((i) => i.value.trim() !== '');
  }

  function clearError(field) {
    const id = errorId(field);
    field.classList.remove('has-error');
    field.querySelectorAll('p.error').forEach((p) => p.remove());
    inputsOf(field).forEach((i) => i.removeAttribute('aria-invalid'));
    described(field).forEach((d) => describedBy(d, id, false));
  }

  // The message goes as soon as its question is answered (a server's message too).
  function onAnswer(e) {
    const field = e.target.closest('.field.has-error');
    if (field && answered(field)) clearError(field);
  }
  form.addEventListener('change', onAnswer);
  form.addEventListener('input', onAnswer);

  function show(i, focus) {
    current = i;
    steps.forEach((s, k) => { s.hidden = k !== i; });
    marks.forEach((m, k) => { m.classList.toggle('current', k === i); if (k === i) m.setAttribute('aria-current', 'step'); else m.removeAttribute('aria-current'); });
    // Stopped (stop.js: a yes that needs care now): no way on to a further step.
    const stopped = form.classList.contains('stopped');
    back.hidden = i === 0;
    next.hidden = stopped || i === steps.length - 1;
    submit.hidden = stopped || i !== steps.length - 1;
    if (focus) { const h = steps[i].querySelector('legend h2'); h.tabIndex = -1; h.focus(); }
  }

  next.addEventListener('click', () => {
    const step = steps[current];
    const open = unanswered(step);
    // One message at a time, next to the first question still open.
    step.querySelectorAll('.step-error').forEach((p) => clearError(p.closest('.field')));
    if (open.length) {
      markOpen(open[0], open.length);
      return;
    }
    show(current + 1, true);
  });
  back.addEventListener('click', () => show(current - 1, true));
  form.addEventListener('stopchange', () => show(current, false));
  show(current, false);
})();
