// demo.js — the sample host page's own script (the page allows no inline scripts): it gives
// the widget's tag the inbox named in the address (`?inbox=ID`, and `&lang=it|es`) before the
// deferred loader runs. Without an inbox it explains how to pick one and, when this browser
// is signed in to the desk (same origin as /agent/), lists the desk's live-chat inboxes as
// links, read through the staff API like any other page.
(() => {
  const tag = document.getElementById('switchboard-widget-tag');
  const status = document.getElementById('demo-status');
  const params = new URLSearchParams(location.search);
  const inbox = params.get('inbox');

  function say(text) {
    status.textContent = text;
  }

  /** The desk's live-chat inboxes, as links to this page with each. */
  async function listInboxes() {
    let token = null;
    try {
      token = localStorage.getItem('switchboard.token');
    } catch {
      /* no storage */
    }
    if (!token) return false;
    const r = await fetch('/api/v1/inboxes?limit=100', { headers: { Authorization: `Bearer ${token}` } }).catch(() => null);
    if (!r || !r.ok) return false;
    const chats = ((await r.json()).items || []).filter((i) => i.channel === 'livechat');
    if (!chats.length) return false;
    say('Pick a live-chat inbox of this desk to try the widget with:');
    const list = document.createElement('ul');
    list.className = 'inbox-links';
    for (const i of chats) {
      const link = document.createElement('a');
      link.href = `?inbox=${encodeURIComponent(i.id)}`;
      link.textContent = i.name;
      const item = document.createElement('li');
      item.append(link);
      list.append(item);
    }
    status.after(list);
    return true;
  }

  if (inbox) {
    tag.dataset.inbox = inbox;
    if (params.get('lang')) tag.dataset.lang = params.get('lang');
    document.getElementById('demo-tag').textContent =
      `<script src="${location.origin}/widget/widget.js" data-inbox="${inbox}" async></script>`;
    say('The chat button at the bottom right of this page is the widget, speaking to this desk.');
  } else {
    document.body.classList.add('no-inbox');
    say('No inbox in this page’s address, so no chat button yet: add ?inbox=INBOX_ID to it.');
    listInboxes().then((listed) => {
      if (!listed) say('No inbox in this page’s address, so no chat button yet: add ?inbox=INBOX_ID to it, or sign in at /agent/ (as an admin) and come back here to pick one.');
    });
  }
})();
