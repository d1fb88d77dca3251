// Live campaign progress: every element with data-progress-campaign="id" joins that campaign's
// SignalR group; elements with data-progress="field" inside it show the pushed numbers.
(function () {
    const scopes = document.querySelectorAll('[data-progress-campaign]');
    const dashboard = document.querySelector('[data-progress-all]');
    if (!scopes.length && !dashboard || !window.signalR) return;

    const connection = new signalR.HubConnectionBuilder()
        .withUrl('/hubs/progress')
        .withAutomaticReconnect()
        .build();

    function fmtEta(seconds) {
        if (seconds == null) return '–';
        const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
        return h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s % 60}s`;
    }

    connection.on('progress', function (p) {
        document.querySelectorAll(`[data-progress-campaign="${p.campaignId}"]`).forEach(function (scope) {
            const set = (name, value) => scope.querySelectorAll(`[data-progress="${name}"]`).forEach(e => e.textContent = value);
            ['plan', 'enqueued', 'sent', 'skipped', 'failed', 'bounced'].forEach(k => set(k, p[k]));
            set('inflight', p.inFlight);
            set('rate', p.rate);
            set('eta', fmtEta(p.etaSeconds));
            scope.querySelectorAll('[data-campaign-state]').forEach(e => { e.textContent = p.state; e.dataset.campaignState = p.state; });
            const done = p.sent + p.skipped + p.failed + p.bounced;
            scope.querySelectorAll('progress[data-progress-bar]').forEach(b => { b.max = Math.max(p.plan, 1); b.value = done; });
        });
    });

    async function join() {
        for (const scope of scopes) await connection.invoke('JoinCampaign', parseInt(scope.dataset.progressCampaign, 10));
        if (dashboard) await connection.invoke('JoinAllCampaigns');
    }
    connection.onreconnected(join);
    connection.start().then(join).catch(err => console.error('progress hub', err));
})();
