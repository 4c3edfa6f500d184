// resources.js — what the admin pages edit, described once: for each kind of record, where
// it lives in the API, the columns of its list and the fields of its form (with the limits
// the server checks; a live-chat inbox adds its widget's, see widget.js), and how it is
// removed (deleted, or archived where history must stay).

import { html } from '/common/html.js';
import { t } from '/common/i18n.js';
import * as s from './state.js';
import { WIDGET_FIELDS, widgetGroups } from './widget.js';

const teamOptions = () => s.teams.value.map((x) => [x.id, x.name]);
const userOptions = () => s.users.value.filter((u) => u.active).map((u) => [u.id, u.name]);
const names = (ids, list) => ids.map((id) => list.find((x) => x.id === id)?.name || id).join(', ') || '—';
const yes = (v) => (v ? t('admin.yes') : t('admin.no'));
const NAME = { name: 'name', label: 'admin.f.name', required: true, max: 100 };

/** The kinds of record, in the order of the navigation. */
export const RESOURCES = {
  users: {
    list: '/api/v1/users?limit=500',
    base: '/api/v1/users',
    columns: [
      ['admin.f.name', (u) => html`<strong>${u.name}</strong><div class="muted small">${u.email}</div>`],
      ['admin.f.role', (u) => t(`role.${u.role}`)],
      ['admin.c.status', (u) => (u.active ? t(`status.${u.status}`) : t('admin.deactivated'))],
      ['admin.f.capacity', (u) => u.capacity],
      ['admin.c.teams', (u) => names(s.teams.value.filter((x) => x.members.includes(u.id)).map((x) => x.id), s.teams.value)],
      ['admin.f.see_all', (u) => yes(u.see_all)],
    ],
    fields: [
      { name: 'email', label: 'admin.f.email', type: 'email', required: true, max: 254 },
      NAME,
      { name: 'role', label: 'admin.f.role', type: 'select', default: 'agent', options: () => ['agent', 'supervisor', 'admin'].map((r) => [r, t(`role.${r}`)]) },
      { name: 'capacity', label: 'admin.f.capacity', type: 'number', min: 1, maxValue: 100, default: '5' },
      { name: 'see_all', label: 'admin.f.see_all', type: 'checkbox', editOnly: true, hint: 'admin.h.see_all' },
    ],
    removeLabel: 'admin.deactivate',
    removable: (u) => u.active,
  },
  teams: {
    list: '/api/v1/teams',
    base: '/api/v1/teams',
    columns: [
      ['admin.f.name', (x) => html`<strong>${x.name}</strong><div class="muted small">${x.description || ''}</div>`],
      ['admin.f.members', (x) => names(x.members, s.users.value)],
    ],
    fields: [NAME, { name: 'description', label: 'admin.f.description', max: 500 }, { name: 'members', label: 'admin.f.members', type: 'ticks', options: userOptions }],
    removeLabel: 'admin.delete',
  },
  inboxes: {
    list: '/api/v1/inboxes',
    base: '/api/v1/inboxes',
    columns: [
      ['admin.f.name', (i) => html`<strong>${i.name}</strong>`],
      ['admin.f.channel', (i) => t(`channel.${i.channel}`)],
      ['admin.f.assignment', (i) => t(`admin.assignment.${i.assignment}`)],
      ['admin.f.offer_timeout_secs', (i) => `${i.offer_timeout_secs} s`],
      ['admin.f.wrap_up_required', (i) => yes(i.wrap_up_required)],
      ['admin.f.team_ids', (i) => names(i.team_ids, s.teams.value)],
    ],
    fields: [
      NAME,
      { name: 'channel', label: 'admin.f.channel', type: 'select', createOnly: true, default: 'livechat', hint: 'admin.h.channel', options: () => ['livechat', 'api'].map((c) => [c, t(`channel.${c}`)]) },
      { name: 'assignment', label: 'admin.f.assignment', type: 'select', default: 'manual', options: () => ['manual', 'round_robin', 'least_busy'].map((a) => [a, t(`admin.assignment.${a}`)]) },
      { name: 'offer_timeout_secs', label: 'admin.f.offer_timeout_secs', type: 'number', min: 5, maxValue: 600, default: '30' },
      { name: 'auto_close_secs', label: 'admin.f.auto_close_secs', type: 'number', min: 0, maxValue: 2592000, default: '86400', hint: 'admin.h.auto_close' },
      { name: 'wait_amber_secs', label: 'admin.f.wait_amber_secs', type: 'number', min: 10, maxValue: 86400, default: '120', hint: 'admin.h.waits' },
      { name: 'wait_red_secs', label: 'admin.f.wait_red_secs', type: 'number', min: 11, maxValue: 86400, default: '300' },
      { name: 'wrap_up_required', label: 'admin.f.wrap_up_required', type: 'checkbox' },
      { name: 'team_ids', label: 'admin.f.team_ids', type: 'ticks', options: teamOptions },
      // Live-chat inboxes only: the widget's settings, sent as the inbox's `widget`.
      ...WIDGET_FIELDS,
    ],
    groups: widgetGroups,
    removeLabel: 'admin.delete',
  },
  labels: {
    list: '/api/v1/labels',
    base: '/api/v1/labels',
    columns: [['admin.f.name', (l) => html`<span class="label-chip" style=${{ background: l.color || '#e0e7ff' }}>${l.name}</span>`], ['admin.f.color', (l) => l.color || '—']],
    fields: [NAME, { name: 'color', label: 'admin.f.color', type: 'color', default: '#4f46e5' }],
    removeLabel: 'admin.delete',
  },
  canned: {
    list: '/api/v1/canned-responses',
    base: '/api/v1/canned-responses',
    columns: [
      ['admin.f.shortcut', (c) => html`<code>/${c.shortcut}</code>`],
      ['admin.f.title', (c) => c.title],
      ['admin.f.scope', (c) => (c.scope === 'team' ? `${t('admin.scope.team')} · ${names([c.team_id], s.teams.value)}` : t(`admin.scope.${c.scope}`))],
      ['admin.f.body', (c) => html`<span class="clip">${c.body}</span>`],
    ],
    fields: [
      { name: 'shortcut', label: 'admin.f.shortcut', required: true, max: 32 },
      { name: 'title', label: 'admin.f.title', required: true, max: 100 },
      { name: 'scope', label: 'admin.f.scope', type: 'select', createOnly: true, default: 'global', options: () => ['global', 'team', 'personal'].map((x) => [x, t(`admin.scope.${x}`)]) },
      { name: 'team_id', label: 'admin.f.team', type: 'select', createOnly: true, options: () => [['', '—'], ...teamOptions()], when: (v) => v.scope === 'team' },
      { name: 'body', label: 'admin.f.body', type: 'textarea', required: true, max: 5000, hint: 'admin.h.placeholders' },
    ],
    removeLabel: 'admin.delete',
    preview: true,
  },
  wrapups: {
    list: '/api/v1/wrap-up-reasons',
    base: '/api/v1/wrap-up-reasons',
    columns: [['admin.f.name', (w) => html`<strong>${w.name}</strong>`], ['admin.f.archived', (w) => yes(w.archived)]],
    fields: [NAME, { name: 'archived', label: 'admin.f.archived', type: 'checkbox', editOnly: true, hint: 'admin.h.archive' }],
    // Reasons are archived, never deleted: closed conversations keep pointing at them.
    removeLabel: 'admin.archive',
    remove: (w) => ({ method: 'PATCH', body: { archived: true } }),
    removable: (w) => !w.archived,
  },
};
