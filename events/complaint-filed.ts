import * as z from 'zod';
import { defineEvent, fields } from './define';
import { PERSONAL_DATA, nonEmptyText } from './schema-kit';
import { sources } from './sources';

export const ComplaintFiledDetail = z.looseObject(
  {
    complaintId: fields.id('complaintId'),
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    // Free text from customers routinely carries phone numbers and addresses.
    text: nonEmptyText('text').describe(PERSONAL_DATA),
    filedAt: fields.isoTime('filedAt'),
  },
  { error: 'detail must be an object' },
);
export type ComplaintFiledDetail = z.infer<typeof ComplaintFiledDetail>;

/** Detail paths holding member personal data: loggers and audit copies redact them. */
export const personalDataPaths = ['text'] as const;

export const ComplaintFiled = defineEvent(sources.aftersales, 'ComplaintFiled', ComplaintFiledDetail, { personalData: personalDataPaths });
