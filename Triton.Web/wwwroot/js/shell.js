// The admin frame's two switches. The theme is remembered per browser in a cookie (the server reads it
// to paint the first frame right). Interactive pages toggle through the circuit and call remember();
// static pages have no circuit, so here a click on the theme switch reloads with the other theme and
// a click on the menu button opens or closes the drawer.
window.tritonTheme = {
    remember: function (dark) {
        document.cookie = 'triton.theme=' + (dark ? 'dark' : 'light') + '; path=/; max-age=31536000; samesite=lax';
        document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    }
};

document.addEventListener('click', function (event) {
    const shell = document.querySelector('.static-shell');
    if (!shell || !(event.target instanceof Element)) return;
    if (event.target.closest('[data-theme-toggle]')) {
        window.tritonTheme.remember(document.documentElement.dataset.theme !== 'dark');
        window.location.reload();
    } else if (event.target.closest('[data-drawer-toggle]')) {
        shell.classList.toggle('static-drawer-open');
    }
});
