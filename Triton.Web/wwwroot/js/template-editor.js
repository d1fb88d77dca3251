// Template editor: ace over the body textarea (the textarea stays the form field, so the page also
// works without scripts), the HTML/Preview tabs, the variables panel and the live preview (htmx).
(function () {
    const form = document.getElementById('template-form');
    const textarea = document.getElementById('t-body');
    if (!form || !textarea) return;
    const host = document.getElementById('t-body-editor');
    const preview = document.getElementById('template-preview');
    let editor = null;

    function refreshPreview() {
        if (window.htmx && preview) htmx.trigger(preview, 'template-changed');
    }

    // "Line 3, column 7: ..." (a refused save) or data-line/data-column (a preview) marks the editor.
    function annotate(element) {
        if (!editor) return;
        if (!element) { editor.session.clearAnnotations(); return; }
        let line = parseInt(element.dataset.line, 10), column = parseInt(element.dataset.column, 10);
        const match = /^\s*Line (\d+), column (\d+):/.exec(element.textContent);
        if (isNaN(line) && match) { line = parseInt(match[1], 10); column = parseInt(match[2], 10); }
        if (isNaN(line)) { editor.session.clearAnnotations(); return; }
        editor.session.setAnnotations([{ row: line - 1, column: Math.max((column || 1) - 1, 0), text: element.textContent.trim(), type: 'error' }]);
    }

    if (window.ace && host) {
        ace.config.set('basePath', '/lib/ace');
        host.hidden = false;
        textarea.hidden = true;
        editor = ace.edit(host, {
            mode: 'ace/mode/handlebars', theme: 'ace/theme/tomorrow', useWorker: false,
            value: textarea.value, readOnly: textarea.readOnly, minLines: 18, maxLines: 40,
            fontSize: '14px', showPrintMargin: false, wrap: true,
        });
        editor.clearSelection();
        editor.textInput.getElement().setAttribute('aria-label', 'HTML body (Handlebars)');
        editor.session.on('change', function () {
            textarea.value = editor.getValue();
            refreshPreview();
        });
        const label = form.querySelector('label[for="t-body"]');
        if (label) label.addEventListener('click', function (e) { e.preventDefault(); editor.focus(); });
        annotate(form.querySelector('[data-field-error="Body"]'));
    } else {
        textarea.addEventListener('input', refreshPreview);
    }

    // Tabs: HTML and Preview; showing the preview renders the current content.
    const tabs = form.querySelectorAll('[role="tab"]');
    tabs.forEach(function (tab) {
        tab.addEventListener('click', function () {
            tabs.forEach(function (other) {
                const selected = other === tab;
                other.setAttribute('aria-selected', selected ? 'true' : 'false');
                other.classList.toggle('secondary', !selected);
                document.getElementById(other.getAttribute('aria-controls')).hidden = !selected;
            });
            if (tab.id === 'tab-preview') refreshPreview();
            else if (editor) { editor.resize(); editor.focus(); }
        });
    });

    // Variables panel: double-click (or Enter) inserts the variable at the cursor.
    function insert(text) {
        if (textarea.readOnly) return;
        if (editor) {
            editor.insert(text);
            editor.focus();
            return;
        }
        const start = textarea.selectionStart, end = textarea.selectionEnd;
        textarea.setRangeText(text, start, end, 'end');
        textarea.focus();
        refreshPreview();
    }
    form.querySelectorAll('[data-insert]').forEach(function (item) {
        item.addEventListener('dblclick', function (e) { e.preventDefault(); insert(item.dataset.insert); });
        item.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); insert(item.dataset.insert); } });
    });

    document.body.addEventListener('htmx:afterSwap', function (e) {
        if (e.detail.target === preview) annotate(preview.querySelector('[data-preview-error]'));
    });
})();
