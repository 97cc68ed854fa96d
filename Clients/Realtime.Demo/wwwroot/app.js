// The demo page: the official centrifuge browser SDK against the gateway, with tokens from this
// demo's backend (/api/token), a chat room with history and presence, and live comments.
const $ = id => document.getElementById(id);
const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

$('login-form').addEventListener('submit', async event => {
  event.preventDefault();
  const name = $('login-name').value.trim();
  if ((await post('/api/login', { name })).ok) {
    $('login').hidden = true;
    $('app').hidden = false;
    $('me').textContent = name;
    await start();
  }
});

async function start() {
  const { webSocket } = await (await fetch('/api/config')).json();
  const centrifuge = new Centrifuge(webSocket, {
    // Asked at every connect and before the token expires.
    getToken: async () => (await (await fetch('/api/token')).json()).token,
  });
  window.demo = { centrifuge };

  const setStatus = state => { $('status').dataset.state = state; $('status').textContent = state; };
  centrifuge.on('connecting', () => setStatus('connecting'));
  centrifuge.on('connected', () => setStatus('connected'));
  centrifuge.on('disconnected', ctx => { setStatus('disconnected'); $('recovery').textContent = `${ctx.code} ${ctx.reason}`; });

  startChat(centrifuge);
  startLive(centrifuge);
  centrifuge.connect();
}

function startChat(centrifuge) {
  const seen = new Set();
  const lobby = centrifuge.newSubscription('chat:lobby', { joinLeave: true });
  const show = (data, info, offset) => {
    if (data === null || typeof data !== 'object' || typeof data.text !== 'string') return;
    if (offset && seen.has(offset)) return;
    if (offset) seen.add(offset);
    const item = document.createElement('li');
    item.dataset.offset = offset ?? '';
    // Announcements come from the backend (server API): they carry no client info, so no
    // participant can pass one off as the system's.
    if (!info) {
      item.className = 'system';
      item.textContent = `📣 ${data.text}`;
    } else {
      const user = document.createElement('span');
      user.className = 'user';
      user.textContent = info?.user ?? '?';
      item.append(user, document.createTextNode(data.text));
    }
    // In offset order, whether it came live or from history.
    const later = offset ? [...$('messages').children].find(li => Number(li.dataset.offset) > offset) : undefined;
    $('messages').insertBefore(item, later ?? null);
    $('messages').scrollTop = $('messages').scrollHeight;
  };

  const present = new Map();
  const renderPresence = () => {
    $('presence').replaceChildren(...[...new Set(present.values())].sort().map(user => {
      const item = document.createElement('li');
      item.textContent = user;
      item.dataset.user = user;
      return item;
    }));
  };

  let first = true;
  lobby.on('subscribed', async ctx => {
    $('recovery').textContent = ctx.wasRecovering ? (ctx.recovered ? 'recovered' : 'not recovered') : '';
    $('recovery').dataset.recovered = String(ctx.wasRecovering && ctx.recovered);
    if (first) {
      // History on join: the last messages of the room, oldest first.
      first = false;
      const history = await lobby.history({ limit: 50 });
      history.publications.forEach(p => show(p.data, p.info, p.offset));
    }
    const { clients } = await lobby.presence();
    present.clear();
    Object.entries(clients).forEach(([client, info]) => present.set(client, info.user));
    renderPresence();
  });
  lobby.on('publication', ctx => show(ctx.data, ctx.info, ctx.offset));
  lobby.on('join', ctx => { present.set(ctx.info.client, ctx.info.user); renderPresence(); });
  lobby.on('leave', ctx => { present.delete(ctx.info.client); renderPresence(); });
  lobby.subscribe();

  $('message-form').addEventListener('submit', async event => {
    event.preventDefault();
    const text = $('message-input').value.trim();
    if (text) {
      $('message-input').value = '';
      await lobby.publish({ text });
    }
  });
  $('announce-form').addEventListener('submit', async event => {
    event.preventDefault();
    await post('/api/announce', { text: $('announce-input').value });
    $('announce-input').value = '';
  });
  $('kick-form').addEventListener('submit', async event => {
    event.preventDefault();
    await post('/api/kick', { user: $('kick-input').value });
    $('kick-input').value = '';
  });
}

function startLive(centrifuge) {
  const live = centrifuge.newSubscription('live:stream');
  let lane = 0;
  live.on('publication', ctx => {
    const comment = document.createElement('div');
    comment.className = 'comment';
    comment.textContent = ctx.data.text;
    comment.style.top = `${(lane++ % 10) * 10 + 2}%`;
    comment.addEventListener('animationend', () => comment.remove());
    $('danmaku').append(comment);
  });
  live.subscribe();

  $('comment-form').addEventListener('submit', async event => {
    event.preventDefault();
    const text = $('comment-input').value.trim();
    if (text) {
      $('comment-input').value = '';
      await live.publish({ text });
    }
  });
  $('crowd').addEventListener('click', () => {
    let sent = 0;
    const timer = setInterval(() => {
      live.publish({ text: `👏 ${++sent}` });
      if (sent >= 100) clearInterval(timer);
    }, 50);
  });
}
