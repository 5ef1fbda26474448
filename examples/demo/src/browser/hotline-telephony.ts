// The browser bundle of @hotline/telephony (the softphone and its JsSIP), served as
// /static/hotline-telephony.js to the agent desk.
export * from '@hotline/telephony';
