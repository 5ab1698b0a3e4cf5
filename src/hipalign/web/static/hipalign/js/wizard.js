// The onboarding form as steps: one fieldset at a time, Next/Back, focus on the step heading.
// Without this script the whole form shows at once and still works.
(function () {
  'use strict';
  const form = document.getElementById('onboarding');
  if (!form) return;
  document.documentElement.classList.add('js');
  const steps = Array.from(form.querySelectorAll('fieldset.step'));
  const marks = Array.from(form.querySelectorAll('.wizard-steps li'));
  const nav = form.querySelector('.wizard-nav');
  const submit = nav.querySelector('button[type="submit"]');
  const back = document.createElement('button');
  back.type = 'button'; back.textContent = 'Back'; back.dataset.testid = 'wizard-back';
  const next = document.createElement('button');
  next.type = 'button'; next.textContent = 'Next'; next.className = 'primary'; next.dataset.testid = 'wizard-next';
  nav.prepend(back, next);
  // Start on the first step with an error, if the server sent the form back.
  let current = Math.max(0, steps.findIndex((s) => s.querySelector('.has-error')));

  function unanswered(step) {
    // Radio groups are required answers (the safety questions): name the ones left open.
    const names = new Set(Array.from(step.querySelectorAll('input[type="radio"]')).map((r) => r.name));
    return Array.from(names).filter((n) => !step.querySelector(`input[name="${n}"]:checked`));
  }

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
    let msg = step.querySelector('.step-error');
    if (open.length) {
      if (!msg) { msg = document.createElement('p'); msg.className = 'error step-error'; msg.setAttribute('role', 'alert'); step.appendChild(msg); }
      msg.textContent = `Please answer every question on this step (${open.length} left open).`;
      const first = step.querySelector(`input[name="${open[0]}"]`);
      if (first) first.focus();
      return;
    }
    if (msg) msg.remove();
    show(current + 1, true);
  });
  back.addEventListener('click', () => show(current - 1, true));
  form.addEventListener('stopchange', () => show(current, false));
  show(current, false);
})();
