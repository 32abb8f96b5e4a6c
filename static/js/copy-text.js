// Copy a field's text to the clipboard: <button data-copy-target="#field-id">Copy</button>.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) {
    return;
  }
  const field = document.querySelector(button.dataset.copyTarget);
  if (!field) {
    return;
  }
  field.focus();
  field.select();
  const done = () => {
    button.textContent = button.dataset.copiedLabel || "Copied";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done);
  } else if (document.execCommand("copy")) {
    done();
  }
});
