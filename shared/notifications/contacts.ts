import { MemberContacts, type MemberContact } from '../records/contacts';

/**
 * Who a notification reaches: the member's phone, resolved at send time, server-side, and handed
 * to the provider without being stored or logged (business rules §5).
 */

export interface Contact {
  phone?: string;
}

/** Resolves a member's phone at send time. Implementations must never log what they return. */
export interface ContactDirectory {
  contactOf(memberId: string, phoneRef?: string): Promise<Contact>;
}

/** A named phone is used only when it exists: texting the default number instead could reach someone else. */
export function contactFrom(member: MemberContact | undefined, phoneRef?: string): Contact {
  const phone = phoneRef ? member?.phones?.[phoneRef] : member?.phone;
  return phone ? { phone } : {};
}

/** The members' contact items in the Records table. */
export class RecordsContactDirectory implements ContactDirectory {
  constructor(private readonly contacts: MemberContacts = new MemberContacts()) {}

  async contactOf(memberId: string, phoneRef?: string): Promise<Contact> {
    return contactFrom(await this.contacts.get(memberId), phoneRef);
  }
}
