// What every e2e browser context gets before its pages' scripts run: the pre-call page's audio
// measurement (web/precall/dominant_frequency.js) as window.dominantFrequency.
'use strict';
const path = require('path');

async function addPageHelpers(context) {
  await context.addInitScript({ path: path.join(__dirname, '..', '..', '..', 'web', 'precall', 'dominant_frequency.js') });
}

module.exports = { addPageHelpers };
