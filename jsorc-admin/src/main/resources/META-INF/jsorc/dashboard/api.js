// The admin API as the page uses it: the session cookie travels by itself (same origin); the CSRF token, kept in
// memory only (never localStorage), goes in a header on every POST. The admin token is sent once, in a body.
let csrf = null;

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function answer(response) {
  let body = null;
  try { body = await response.json(); } catch (e) { /* no JSON */ }
  if (!response.ok || (body && body.success === false)) {
    throw new ApiError(response.status, (body && body.message) || `HTTP ${response.status}`);
  }
  return body;
}

export async function signIn(token) {
  const body = await answer(await fetch('/js_admin/session', {
    method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({token}),
  }));
  csrf = body.csrf;
  return body;
}

export async function resume() {
  const response = await fetch('/js_admin/session', {credentials: 'same-origin'});
  if (response.status === 401) return null;
  const body = await answer(response);
  csrf = body.csrf;
  return body;
}

export async function signOut() {
  await answer(await fetch('/js_admin/session', {
    method: 'DELETE', credentials: 'same-origin', headers: {'X-JsOrc-CSRF': csrf || ''},
  }));
  csrf = null;
}

export async function op(name, params = {}) {
  return answer(await fetch('/js_admin/' + encodeURIComponent(name), {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-JsOrc-CSRF': csrf || ''},
    body: JSON.stringify(params),
  }));
}
