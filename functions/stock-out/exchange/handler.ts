import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../../shared/aws';
import { DAY, addMs, nowIso } from '../../../shared/clock';
import { ValidationError } from '../../../shared/errors';
import { taskHandler } from '../../../shared/handlers/task';
import { percentOf } from '../../../shared/money';
import { loadCatalog } from '../../catalog/catalog';
import { notify } from '../../../shared/notifications/send';
import { orderRoutingPolicy } from '../../order-routing/policy';
import { recordsTable } from '../../order-routing/records';
import { StockOutState } from '../state';

const catalog = loadCatalog();

/**
 * The customer takes another product instead, at 90 % of its price (business rules §3): price
 * it from the catalog, record the exchange with the order, and send the offer.
 */
export const handler = taskHandler(StockOutState, async (state) => {
  const replacementSkuId = String(state.contact?.data?.replacementSkuId ?? '');
  const replacement = catalog.get(replacementSkuId);
  if (!replacement) throw new ValidationError('exchange is invalid', [{ field: 'contact.data.replacementSkuId', message: `unknown SKU ${replacementSkuId}` }]);
  const quantity = state.unservedLines.reduce((sum, line) => sum + line.quantity, 0);
  const chargedFen = percentOf(replacement.priceFen * quantity, orderRoutingPolicy.exchangeDiscountPercent);
  const now = nowIso();
  await documents().send(
    new PutCommand({
      TableName: recordsTable(),
      Item: { pk: `ORDER#${state.orderId}`, sk: 'EXCHANGE', replacementSkuId, quantity, chargedFen, replaces: state.unservedLines, decidedBy: state.contact?.decidedBy, at: now },
    }),
  );
  await notify({
    key: state.orderId,
    type: 'exchange-offer',
    recipient: { memberId: state.memberId },
    data: { offer: { skuId: replacementSkuId, name: replacement.name, priceFen: chargedFen }, respondBy: addMs(now, DAY) },
  });
  return { resolution: 'exchanged', replacementSkuId, quantity, chargedFen, listPriceFen: replacement.priceFen * quantity };
});
