/**
 * The numbers of the complaint flow (business rules §4). Values marked **default** are ours, not
 * the source documents': change them here, not in the flow.
 */
export interface ComplaintPolicy {
  /** Complaints get a first response from customer service within this many hours. */
  readonly responseWithinHours: number;
  /** After the first SLA, ops-lead has this many hours before the default (a refund request). */
  readonly escalatedResponseHours: number;
  /** A reship comes with a red packet of this amount. */
  readonly redPacketFen: number;
}

export const complaintPolicy: ComplaintPolicy = Object.freeze({
  // §4: "complaints get a first response within 1 hour".
  responseWithinHours: 1,
  // §4: the initial solution within 24 hours: ops-lead has the rest of them (**default**).
  escalatedResponseHours: 23,
  // §4: "reship new goods plus a 10-yuan red packet".
  redPacketFen: 1_000,
});
