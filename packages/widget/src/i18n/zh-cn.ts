import { en, type Messages } from './en.js';

/**
 * The texts of `values` under `en`'s keys, in their order: a dictionary without its keys
 * costs the bundle less. Each line of a dictionary written so names its key in a comment,
 * which a test checks.
 */
export const inOrderOf = (order: Messages, values: string[]): Messages =>
  Object.fromEntries(Object.keys(order).map((key, i) => [key, values[i]])) as unknown as Messages;

/** Simplified Chinese. */
export const zhCN: Messages = /* @__PURE__ */ inOrderOf(en, [
  '打开聊天', // openChat
  '关闭聊天', // closeChat
  '{count} 条未读', // unread
  '在线客服', // title
  '您好！请问有什么可以帮您？', // welcome
  '正在连接…', // connecting
  '我们通常会在几分钟内回复', // online
  '正在等待客服…', // waiting
  '{name} 已加入对话', // agentJoined
  '结束对话', // endChat
  '输入消息…', // placeholder
  '发送', // send
  '添加附件', // attach
  '我', // you
  '客服', // agent
  '{name} 正在输入…', // typing
  '发送中…', // sending
  '发送失败', // failed
  '重试', // retry
  '无法连接到聊天服务。', // connectError
  '出错了，请重试。', // error
  '文件过大（最大 {size}）。', // fileTooLarge
  '消息', // message
  '通话', // call
  '开始之前', // prechatTitle
  '开始聊天', // startChat
  '此项为必填项。', // required
  '请输入有效的电子邮箱地址。', // invalidEmail
  '请选择…', // choose
  '姓名', // name
  '电子邮箱', // email
  '电话', // phone
  '我们暂时不在线', // offlineTitle
  '请留言，我们会通过电子邮件回复您。', // offlineMessage
  '谢谢！我们会尽快通过电子邮件回复您。', // offlineSent
  '本次对话已结束。', // ended
  '您对本次服务满意吗？', // rateTitle
  '{score} 分（满分 5 分）', // rateScore
  '意见（选填）', // rateComment
  '感谢您的反馈！', // rateThanks
  '通过电子邮件发送聊天记录', // transcriptLabel
  '聊天记录已发送至 {email}。', // transcriptSent
  '开始新的对话', // newChat
]);
