// htmx leaves the page as it was when a request fails; say why instead, in one alert above the
// content: the problem details' detail or title, or the status text.
(function () {
    function show(message) {
        let box = document.getElementById('request-error');
        if (!box) {
            box = document.createElement('p');
            box.id = 'request-error';
            box.setAttribute('role', 'alert');
            box.className = 'notice error';
            const main = document.querySelector('main') || document.body;
            main.insertBefore(box, main.firstChild);
        }
        box.textContent = message;
        box.scrollIntoView({ block: 'nearest' });
    }

    document.addEventListener('htmx:responseError', function (event) {
        const xhr = event.detail.xhr;
        let message = `${xhr.status} ${xhr.statusText}`;
        try {
            const problem = JSON.parse(xhr.responseText);
            message = problem.detail || problem.title || message;
            if (problem.errors) message += ' ' + Object.values(problem.errors).flat().join(' ');
        } catch (_) {
            const text = (xhr.responseText || '').trim();
            if (text && text.length < 500 && !text.startsWith('<')) message = text;
        }
        show('The request failed: ' + message);
    });
    document.addEventListener('htmx:sendError', function () {
        show('The server could not be reached; nothing was changed by this request.');
    });
})();

// Forms that ask first carry the question in data-confirm (no inline handlers: the CSP allows no inline script).
document.addEventListener('submit', function (event) {
    const question = event.target instanceof HTMLFormElement ? event.target.dataset.confirm : null;
    if (question && !window.confirm(question)) event.preventDefault();
}, true);
