// The browser event the builder fires after creating a pod, so the table below reloads.
export const PROJECTED_CREATED_EVENT = 'btd:projected-created';
