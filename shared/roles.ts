/** Ops roles; in AWS they are Cognito groups, carried in the token's `cognito:groups` claim. */
export const ROLES = ['reviewer', 'merchandiser', 'cs-agent', 'aftersales', 'finance', 'ops-lead'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  reviewer: 'Compliance review of product listings',
  merchandiser: 'Inventory-accuracy review of listings; slow-moving SKU decisions',
  'cs-agent': 'Customer service: stock-out contact, complaints, member callbacks',
  aftersales: 'Refund and return approval, return inspection',
  finance: 'Second approval of large refunds',
  'ops-lead': 'Escalations of overdue tasks',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
