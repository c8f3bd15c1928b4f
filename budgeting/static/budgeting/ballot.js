// The vote page's budget bars. Each pool (fieldset[data-pool]) shows what
// its chosen plans cost against its budget, and a plan that would not fit
// cannot be chosen. The server checks every ballot again: this only keeps
// a resident from sending one it would refuse.
(function () {
  "use strict";
  const form = document.getElementById("ballot-form");
  const textsElement = document.getElementById("ballot-texts");
  if (!form || !textsElement) return;
  const texts = JSON.parse(textsElement.textContent);
  const numbers = new Intl.NumberFormat(document.documentElement.lang || "fi");
  const message = form.querySelector("[data-form-message]");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) =>
      typeof values[key] === "number" ? numbers.format(values[key]) : values[key]
    );
  }

  function poolState(pool) {
    const boxes = Array.from(pool.querySelectorAll("input[type=checkbox]"));
    const chosen = boxes.filter((box) => box.checked);
    const spent = chosen.reduce((sum, box) => sum + Number(box.dataset.cost), 0);
    return {
      boxes,
      count: chosen.length,
      spent,
      budget: Number(pool.dataset.budget),
      minimum: pool.dataset.minimum ? Number(pool.dataset.minimum) : null,
      maxChoices: pool.dataset.maxChoices ? Number(pool.dataset.maxChoices) : null,
      name: pool.querySelector("legend").textContent.trim(),
    };
  }

  // Whether choosing ``box`` too would break the pool's rule.
  function wouldExceed(state, box) {
    if (state.maxChoices !== null) return state.count + 1 > state.maxChoices;
    return state.spent + Number(box.dataset.cost) > state.budget;
  }

  function update(pool) {
    const state = poolState(pool);
    const left = state.budget - state.spent;
    const bar = pool.querySelector("[data-bar]");
    const status = pool.querySelector("[data-status]");
    if (state.maxChoices !== null) {
      bar.value = state.count;
      status.textContent = fill(texts.count, { count: state.count, max: state.maxChoices });
    } else {
      bar.value = Math.min(state.spent, state.budget);
      status.textContent = fill(texts.spent, { spent: state.spent, budget: state.budget, left });
    }
    for (const box of state.boxes) {
      const note = box.parentElement.querySelector("[data-note]");
      const blocked = !box.checked && wouldExceed(state, box);
      box.disabled = blocked;
      if (blocked) {
        note.textContent =
          state.maxChoices !== null
            ? fill(texts.full, { max: state.maxChoices })
            : fill(texts.doesNotFit, { left });
      } else {
        note.textContent = "";
      }
    }
  }

  form.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
    const pool = box.closest("[data-pool]");
    if (box.checked) {
      box.checked = false;
      const state = poolState(pool);
      if (wouldExceed(state, box)) {
        message.textContent = fill(texts.refused, { left: state.budget - state.spent });
      } else {
        box.checked = true;
        message.textContent = "";
      }
    } else {
      message.textContent = "";
    }
    update(pool);
  });

  form.addEventListener("submit", (event) => {
    const states = Array.from(form.querySelectorAll("[data-pool]"), poolState);
    let problem = "";
    if (states.every((state) => state.count === 0)) {
      problem = texts.empty;
    }
    for (const state of states) {
      if (problem) break;
      if (state.maxChoices !== null && state.count > state.maxChoices) {
        problem = fill(texts.full, { max: state.maxChoices });
      } else if (state.maxChoices === null && state.spent > state.budget) {
        problem = fill(texts.over, { pool: state.name });
      } else if (state.count > 0 && state.minimum !== null && state.spent < state.minimum) {
        problem = fill(texts.minimum, { pool: state.name, minimum: state.minimum });
      }
    }
    if (problem) {
      event.preventDefault();
      message.textContent = problem;
      message.focus();
    }
  });

  form.querySelectorAll("[data-pool]").forEach(update);
})();
