import { apiHandler, json } from '../../../shared/handlers/api';
import { ROLE_DESCRIPTIONS } from '../../../shared/roles';

/** `GET /me`: who the token says you are and what your roles let you do. */
export const handler = apiHandler(async (_event, caller) =>
  json(200, {
    user: caller.user,
    roles: caller.roles.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role] })),
  }),
);
