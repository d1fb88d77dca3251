// The template editor's code box: ace with Handlebars highlighting, driven by the interactive page
// over JS interop. The page owns the text; this module reports edits (debounced) and marks errors.
let loading = null;

function loadAce() {
    if (window.ace) return Promise.resolve();
    if (!loading) {
        loading = new Promise(function (resolve, reject) {
            const script = document.createElement('script');
            script.src = '/lib/ace/ace.js';
            script.onload = function () { resolve(); };
            script.onerror = function () { loading = null; reject(new Error('ace could not be loaded')); };
            document.head.appendChild(script);
        });
    }
    return loading;
}

// Creates the editor in host; edits call page.BodyChanged(text) once typing pauses for delayMs.
export async function create(host, page, value, readOnly, delayMs) {
    await loadAce();
    ace.config.set('basePath', '/lib/ace');
    const editor = ace.edit(host, {
        mode: 'ace/mode/handlebars', theme: 'ace/theme/tomorrow', useWorker: false,
        value: value, readOnly: readOnly, minLines: 18, maxLines: 40,
        fontSize: '14px', showPrintMargin: false, wrap: true,
    });
    editor.clearSelection();
    editor.textInput.getElement().setAttribute('aria-label', 'HTML body (Handlebars)');
    let timer = null;
    editor.session.on('change', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { page.invokeMethodAsync('BodyChanged', editor.getValue()); }, delayMs);
    });
    host.dataset.ready = 'true';
    return {
        setValue: function (text) { if (editor.getValue() !== text) { editor.setValue(text, -1); } },
        insert: function (text) { if (!editor.getReadOnly()) { editor.insert(text); editor.focus(); } },
        mark: function (line, column, text) {
            if (!line) { editor.session.clearAnnotations(); return; }
            editor.session.setAnnotations([{ row: line - 1, column: Math.max((column || 1) - 1, 0), text: text, type: 'error' }]);
        },
        dispose: function () { clearTimeout(timer); editor.destroy(); },
    };
}
