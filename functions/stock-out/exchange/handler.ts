import { HOUR, addMs, nowIso } from '../../../shared/clock';
import { ValidationError } from '../../../shared/errors';
import { taskHandler } from '../../../shared/handlers/task';
import { loadCatalog } from '../../../shared/catalog/catalog';
import { notify } from '../../../shared/notifications/send';
import { OrderRecords } from '../../../shared/records/orders';
import { stockOutPolicy } from '../policy';
import { exchangeOffer } from '../rules';
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
  const { quantity, chargedFen, listPriceFen } = exchangeOffer(replacement.priceFen, state.unservedLines, stockOutPolicy);
  const now = nowIso();
  await new OrderRecords().recordExchange(state.orderId, { replacementSkuId, quantity, chargedFen, replaces: state.unservedLines, decidedBy: state.contact?.decidedBy, at: now });
  await notify({
    key: state.orderId,
    type: 'exchange-offer',
    recipient: { memberId: state.memberId },
    data: { offer: { skuId: replacementSkuId, name: replacement.name, priceFen: chargedFen }, respondBy: addMs(now, stockOutPolicy.exchangeOfferHours * HOUR) },
  });
  return { resolution: 'exchanged', replacementSkuId, quantity, chargedFen, listPriceFen };
});
