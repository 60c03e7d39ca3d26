import { describe, expect, it } from 'vitest';
import { SnsProvider, type SnsPublishInput } from './providers';
import { PHONE, capturePrinted } from './test-fixtures';

capturePrinted();

describe('SnsProvider', () => {
  it('publishes to SNS with type and key attributes, deduplicating on FIFO topics', async () => {
    const published: SnsPublishInput[] = [];
    const client = { publish: async (input: SnsPublishInput) => (published.push(input), { MessageId: `sns-${published.length}` }) };
    const message = { to: PHONE, text: 'hello', type: 'shipping-notice', key: 'O-1', id: 'O-1|shipping-notice' };

    expect(await new SnsProvider({ topicArn: 'arn:aws:sns:cn-north-1:0:sms', client }).send(message)).toEqual({ messageId: 'sns-1' });
    expect(published[0]).toEqual({
      TopicArn: 'arn:aws:sns:cn-north-1:0:sms',
      Message: 'hello',
      MessageAttributes: {
        phone: { DataType: 'String', StringValue: PHONE },
        type: { DataType: 'String', StringValue: 'shipping-notice' },
        key: { DataType: 'String', StringValue: 'O-1' },
      },
    });

    const fifo = new SnsProvider({ topicArn: 'arn:aws:sns:cn-north-1:0:sms.fifo', client });
    await fifo.send(message);
    await fifo.send(message);
    expect(published[1].MessageGroupId).toBe('O-1');
    expect(published[1].MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(published[2].MessageDeduplicationId).toBe(published[1].MessageDeduplicationId);

    await expect(new SnsProvider({ topicArn: 'arn:x', client: { publish: async () => ({}) } }).send(message)).rejects.toThrow('no MessageId');
  });
});
