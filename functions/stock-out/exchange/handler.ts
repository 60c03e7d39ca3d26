import { HOUR, addMs, nowIso } from '../../../shared/clock';
import { ValidationError } from '../../../shared/errors';
import { taskHandler } from '../../../shared/handlers/task';
import { Catalog } from '../../../shared/records/catalog';
import { notify } from '../../../shared/notifications/send';
import { OrderRecords } from '../../../shared/records/orders';
import { stockOutPolicy } from '../policy';
import { exchangeOffer } from '../rules';
import { StockOutState } from '../state';

/**
 * The customer takes another product instead, at 90 % of its price (business rules §3): price
 * it from the catalog, record the exchange with the order, and send the offer.
 */
export const handler = taskHandler(StockOutState, async (state) => {
  const replacementSkuId = String(state.contact?.data?.replacementSkuId ?? '');
  const replacement = await new Catalog().get(replacementSkuId);
  // The ops API checked it when the task was completed; it may have been delisted since.
  if (replacement?.status !== 'active') throw new ValidationError('exchange is invalid', [{ field: 'contact.data.replacementSkuId', message: `${replacementSkuId} is not an active SKU of the catalog` }]);
  const { quantity, chargedFen, listPriceFen } = exchangeOffer(replacement.priceFen, state.unservedLines, stockOutPolicy);
  const now = nowIso();
  await new OrderRecords().recordExchange(state.orderId, { replacementSkuId, quantity, chargedFen, replaces: state.unservedLines, decidedBy: state.contact?.decidedBy, at: now });
  await notify({
    key: state.orderId,
    type: 'exchange-offer',
    recipient: { memberId: state.memberId },
    data: { offer: { skuId: replacementSkuId, name: replacement.title, priceFen: chargedFen }, respondBy: addMs(now, stockOutPolicy.exchangeOfferHours * HOUR) },
  });
  return { resolution: 'exchanged', replacementSkuId, quantity, chargedFen, listPriceFen };
});
