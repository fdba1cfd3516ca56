// The policy serve's edge hands on with a message for one recipient (RecipientPolicy,
// src/pipeline/process.ts): a domain that logs OOB and ARF reports and relays nothing.
'use strict';

/** The policy of `address` on such a domain. */
function loggingPolicy(address) {
  return {
    address,
    domain: address.slice(address.lastIndexOf('@') + 1).toLowerCase(),
    logOob: 'LogThenDrop',
    logArf: 'LogThenDrop',
    relayTo: false,
    routingDomain: null,
    verp: null,
  };
}

module.exports = { loggingPolicy };
